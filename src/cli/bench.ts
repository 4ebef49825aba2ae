/**
 * `hotpath bench --kernel ID --data FILE [--attr name=value ...] [--save H.json] [--compare H.json]`:
 * the regression gate on the user's own data (src/gate). Prints the kernel's median time and,
 * with --compare, the ratio to the saved base with its 95% interval and the verdict.
 *
 * Exit codes: 0 no significant change or significantly faster; 1 significantly slower than the
 * base by more than --threshold; 2 bad input.
 */
import { fail } from '../errors.js';
import { median } from '../gate/bootstrap.js';
import { importKernels } from './kernelFiles.js';
import { runGate, type GateResult } from '../gate/gate.js';
import { parseAttrs } from '../gate/target.js';
import { optional } from './options.js';

export interface BenchCommandOptions {
  readonly kernel: string;
  readonly data: readonly string[];
  readonly attr?: readonly string[];
  /** --k: shorthand for --attr k=K (kmeans, topK). */
  readonly k?: string;
  readonly save?: string;
  readonly compare?: string;
  readonly threshold?: string;
  readonly rounds?: string;
  readonly maxRounds?: string;
  readonly precision?: string;
  readonly maxSeconds?: string;
  readonly warmup?: string;
  readonly warmupSeconds?: string;
  /** Files exporting user kernels (`--kernels`), so --kernel can name one. */
  readonly kernels?: string[];
  readonly minSeconds?: string;
  readonly seed?: string;
  readonly resamples?: string;
  readonly backend?: string;
  readonly threads?: string;
  readonly json?: boolean;
  /** HOTPATH_GATE_SLOWDOWN, read by main.ts: a test-only injected slowdown fraction. */
  readonly slowdown?: string;
}

export async function benchCommand(opts: BenchCommandOptions): Promise<number> {
  const pairs = [...(opts.attr ?? []), ...(opts.k === undefined ? [] : [`k=${opts.k}`])];
  const userKernels = opts.kernels === undefined || opts.kernels.length === 0 ? [] : (await importKernels(opts.kernels)).map((e) => e.kernel);
  const result = await runGate({
    kernel: opts.kernel,
    userKernels,
    data: opts.data,
    attrs: parseAttrs(pairs),
    ...optional('compare', opts.compare),
    ...optional('save', opts.save),
    ...optional('threshold', fraction('--threshold', opts.threshold)),
    ...optional('rounds', integer('--rounds', opts.rounds)),
    ...optional('maxRounds', integer('--max-rounds', opts.maxRounds)),
    ...optional('precision', fraction('--precision', opts.precision)),
    ...optional('maxSeconds', integer('--max-seconds', opts.maxSeconds)),
    ...optional('warmup', integer('--warmup', opts.warmup)),
    ...optional('warmupSeconds', seconds('--warmup-seconds', opts.warmupSeconds)),
    ...optional('minSeconds', seconds('--min-seconds', opts.minSeconds)),
    ...optional('seed', integer('--seed', opts.seed)),
    ...optional('resamples', integer('--resamples', opts.resamples)),
    ...optional('backend', opts.backend),
    ...optional('threads', integer('--threads', opts.threads)),
    ...optional('slowdown', fraction('HOTPATH_GATE_SLOWDOWN', opts.slowdown)),
  });
  process.stdout.write(opts.json === true ? `${JSON.stringify(summaryOf(result, opts))}\n` : describe(result, opts));
  return result.comparison?.verdict === 'slower' ? 1 : 0;
}

function summaryOf(r: GateResult, opts: BenchCommandOptions): object {
  return {
    kernel: r.run.kernel,
    attrs: r.run.attrs,
    data: r.run.data,
    backend: r.run.machine.backend,
    threads: r.run.machine.threads,
    rounds: r.run.kernelMs.length,
    medianMs: median(r.run.kernelMs),
    probeMedianMs: median(r.run.probeMs),
    ...(r.comparison === undefined ? {} : { compare: { file: opts.compare, baseDate: r.base?.date, ...r.comparison } }),
    ...(r.savedRuns === undefined ? {} : { saved: { file: opts.save, runs: r.savedRuns } }),
  };
}

function describe(r: GateResult, opts: BenchCommandOptions): string {
  const run = r.run;
  const data = run.data.map((d) => `${d.file} (${d.arrays.map((a) => `${a.dtype}[${a.shape.join(',')}]`).join(' ')})`).join(', ');
  const lines = [
    `bench ${run.kernel}${Object.keys(run.attrs).length === 0 ? '' : ` ${JSON.stringify(run.attrs)}`} on ${data}`,
    `  backend        ${run.machine.backend} (${run.machine.threads} thread${run.machine.threads === 1 ? '' : 's'}), ${run.kernelMs.length} rounds after ${run.warmup} warm-up calls`,
    `  median         ${ms(median(run.kernelMs))} (probe ${ms(median(run.probeMs))})`,
  ];
  const c = r.comparison;
  if (c !== undefined) {
    const verdict = c.verdict === 'slower' ? `significantly slower (more than ${pct(c.threshold)} slower): FAIL` : c.verdict === 'faster' ? 'significantly faster' : 'no significant change';
    lines.push(
      `  base           ${ms(c.baseMedianMs)} on ${r.base?.date ?? '?'} (${opts.compare})`,
      `  ratio          ${c.ratio.toFixed(3)} (${pct(c.confidence)} interval ${c.low.toFixed(3)} to ${c.high.toFixed(3)}; lower quartile of kernel time per probe time, the machine ran at ${(1 / c.machineRatio).toFixed(2)}x the base's speed)`,
      `  verdict        ${verdict}`,
    );
  }
  if (r.savedRuns !== undefined) {
    lines.push(`  saved          run ${r.savedRuns} of ${opts.save}`);
  }
  return `${lines.join('\n')}\n`;
}

function ms(value: number): string {
  return `${value.toPrecision(4)} ms`;
}

function pct(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(4))}%`;
}

/** A fraction: 0.1 or 10%. */
function fraction(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const percent = value.trim().endsWith('%');
  const parsed = Number(percent ? value.trim().slice(0, -1) : value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: `invalid ${flag}`, expected: 'a fraction >= 0 such as 0.1, or a percentage such as 10%', received: value });
  }
  return percent ? parsed / 100 : parsed;
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: `invalid ${flag}`, expected: 'a number of seconds >= 0', received: value });
  }
  return parsed;
}
function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: `invalid ${flag}`, expected: 'an integer', received: value });
  }
  return parsed;
}
