/**
 * `hotpath conformance DIR [--backend B] [--json]`: runs every ONNX node test in DIR on one
 * backend, or on every available backend, and prints one line per test and a summary.
 * Exit code 1 when any test failed; declined tests are counted and printed, not failures.
 */
import { fail } from '../errors.js';
import { createRuntime } from '../runtime/runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import { findConformanceTests, runConformanceDir, summarize, type CaseResult } from '../testing/conformance.js';

export interface ConformanceCommandOptions {
  readonly backend?: string;
  readonly json: boolean;
}

/**
 * @throws ARGUMENT for a missing DIR or an unknown backend, FORMAT for a DIR without tests,
 *   BACKEND when the named backend is not available on this machine
 */
export async function conformanceCommand(dir: string, options: ConformanceCommandOptions): Promise<number> {
  // Check the folder before starting backends, so a typo fails fast.
  findConformanceTests(dir);
  const runtime = await createRuntime();
  try {
    const backends = backendsToRun(runtime, options.backend);
    const results = backends.flatMap((backend) => runConformanceDir(runtime, dir, { backend }));
    const summary = summarize(results);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ dir, backends, summary, results }, null, 2)}\n`);
    } else {
      const lines = results.map(formatResult);
      lines.push(`${summary.passed} passed, ${summary.failed} failed, ${summary.declined} declined`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

function backendsToRun(runtime: Runtime, requested: string | undefined): string[] {
  const statuses = runtime.backends();
  if (requested === undefined) {
    return statuses.filter((s) => s.available).map((s) => s.name);
  }
  const status = statuses.find((s) => s.name === requested);
  if (status === undefined) {
    return fail({ code: 'ARGUMENT', kernel: 'conformance', problem: 'unknown backend', expected: `one of ${statuses.map((s) => s.name).join(', ')}`, received: requested });
  }
  if (!status.available) {
    return fail({ code: 'BACKEND', kernel: 'conformance', problem: `backend '${requested}' is not available`, expected: 'an available backend', received: `${requested}: ${status.reason ?? 'unavailable'}`, hint: 'run `hotpath doctor` to see every backend and why it is or is not usable' });
  }
  return [requested];
}

/** `PASS test_add (add, ref)`, `FAIL test_x (k, b): <worst or error>`, `DECLINED test_y (k, b): <reason>`. */
function formatResult(r: CaseResult): string {
  const head = `${r.name} (${r.kernel}, ${r.backend})`;
  switch (r.status) {
    case 'pass':
      return `PASS ${head}`;
    case 'fail':
      return `FAIL ${head}: ${r.worst ?? r.reason ?? 'failed'}`;
    case 'declined':
      return `DECLINED ${head}: ${r.reason ?? 'declined'}`;
  }
}
