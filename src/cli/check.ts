/**
 * `hotpath check FILE [--json]`: every kernel FILE exports, run compiled on a runtime that
 * requires wasm against a ref runtime, whose reference is the user's own plain TypeScript
 * function, on generated inputs: every tail length, row-major,
 * transposed, broadcast and sliced layouts, and edge values (src/user/checkCases.ts). Prints
 * per kernel the worst error in float32 ulps against the declared tolerance and PASS or FAIL.
 *
 * Exit codes: 0 all pass, 1 a kernel fails its tolerance, 2 a kernel does not compile (its
 * diagnostic is printed) or the file cannot be loaded.
 */
import { isHotpathError } from '../errors.js';
import { casesFor } from '../user/checkCases.js';
import { openCheckRuntimes, runCase, type CaseResult } from '../user/checkRun.js';
import { createKernelLoader } from '../user/obtain.js';
import { importKernels } from './kernelFiles.js';
import { formatTable } from './table.js';

export interface CheckCommandOptions {
  readonly json?: boolean;
  /** The compile cache (default: node_modules/.cache/hotpath/kernels of the file's package). */
  readonly cacheDir?: string;
}

export interface KernelCheck {
  readonly kernel: string;
  readonly kind: string;
  readonly cases: number;
  /** The case with the largest error relative to what it allows. */
  readonly worst: CaseResult;
  readonly pass: boolean;
  /** Every case whose error is over its tolerance. */
  readonly failures: readonly CaseResult[];
}

/** Checks; returns the exit code. @throws IO, ARGUMENT (the file cannot be loaded) */
export async function checkCommand(file: string, options: CheckCommandOptions): Promise<number> {
  const found = await importKernels([file]);
  const loader = createKernelLoader({ artifacts: [], ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }) });
  const results: KernelCheck[] = [];
  const errors: string[] = [];
  const runtimes = await openCheckRuntimes(loader);
  try {
    for (const { kernel } of found) {
      try {
        await runtimes.wasm.load(kernel);
        await runtimes.ref.load(kernel);
      } catch (error) {
        if (!isHotpathError(error)) {
          throw error;
        }
        errors.push(`error [${error.code}] ${error.message}`);
        continue;
      }
      const cases = casesFor(kernel).map((c) => runCase(runtimes, kernel, c));
      const ratio = (r: CaseResult): number => r.worstUlp / Math.max(r.allowedUlp, Number.MIN_VALUE);
      const worst = cases.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
      const failures = cases.filter((r) => !(r.worstUlp <= r.allowedUlp));
      results.push({ kernel: kernel.name, kind: kernel.kind, cases: cases.length, worst, pass: failures.length === 0, failures });
    }
  } finally {
    await runtimes.close();
    await loader.close();
  }
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify({ file, kernels: results, errors }, null, 2)}\n`);
  } else {
    process.stdout.write(formatChecks(file, results));
  }
  if (errors.length > 0) {
    process.stderr.write(`${errors.join('\n')}\n`);
    return 2;
  }
  return results.every((r) => r.pass) ? 0 : 1;
}

const ulps = (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(0)) : 'inf');

function formatChecks(file: string, results: readonly KernelCheck[]): string {
  const header = ['kernel', 'kind', 'cases', 'worst ulp', 'allowed', 'result', 'worst case'];
  const rows = results.map((r) => [r.kernel, r.kind, String(r.cases), ulps(r.worst.worstUlp), ulps(r.worst.allowedUlp), r.pass ? 'PASS' : 'FAIL', r.worst.label]);
  const lines = [`hotpath check ${file}: ${results.length} kernel${results.length === 1 ? '' : 's'}, compiled against the reference`, '', formatTable(header, rows).trimEnd()];
  for (const r of results.filter((x) => !x.pass)) {
    lines.push('', `FAIL ${r.kernel}: ${r.failures.length} of ${r.cases} cases over the tolerance`);
    for (const f of r.failures.slice(0, 5)) {
      lines.push(`  ${f.label}: ${ulps(f.worstUlp)} ulp (allowed ${ulps(f.allowedUlp)}) at ${f.at}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
