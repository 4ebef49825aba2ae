/**
 * A run judged against a saved one: first that they measured the same thing (kernel,
 * attributes, data bytes and shapes, thread count, probe), then the ratio of their
 * probe-normalised lower quartiles (GATE_QUANTILE) with a bootstrap interval, and the verdict.
 */
import { fail } from '../errors.js';
import { bootstrapRatio, decide, median, type BootstrapOptions, type RatioInterval, type Verdict } from './bootstrap.js';
import type { BenchRun } from './format.js';

/** The part of a run a comparison reads (tests build these from synthetic timings). */
export type Timings = Pick<BenchRun, 'kernelMs' | 'probeMs'>;

export interface Comparison extends RatioInterval {
  readonly verdict: Verdict;
  readonly threshold: number;
  /** Medians of the raw kernel times, ms (for people; the verdict uses the normalised ones). */
  readonly baseMedianMs: number;
  readonly currentMedianMs: number;
  /** median(current probe) / median(base probe): how much slower the machine was this time. */
  readonly machineRatio: number;
}

/** Per round, kernel time in probe units (kernel ms / probe ms of the same round). */
export function normalised(t: Timings): number[] {
  return t.kernelMs.map((k, i) => k / t.probeMs[i]!);
}

/**
 * Compares current timings with base timings.
 * @example compareTimings(base, current, 0.1).verdict   // 'no significant change'
 * @throws ARGUMENT for a bad threshold or bootstrap option, or a base too fast to time
 */
export function compareTimings(base: Timings, current: Timings, threshold: number, options: BootstrapOptions = {}): Comparison {
  const interval = bootstrapRatio(normalised(base), normalised(current), options);
  return {
    ...interval,
    verdict: decide(interval, threshold),
    threshold,
    baseMedianMs: median(base.kernelMs),
    currentMedianMs: median(current.kernelMs),
    machineRatio: median(current.probeMs) / median(base.probeMs),
  };
}

/** The error for a base that measured something else. */
function differ(baseFile: string, what: string, expected: string, received: string, hint: string): never {
  return fail({ code: 'ARGUMENT', kernel: 'bench', problem: `'${baseFile}' measured a different ${what}`, expected: `${expected} (as the base)`, received, hint });
}

/**
 * Refuses a base that measured other work: kernel, attributes, data (array shapes and dtypes,
 * then the bytes' sha256). Checked before the kernel first runs.
 * @throws ARGUMENT naming the first difference, with the base's value as expected
 */
export function checkSameWork(base: BenchRun, current: Pick<BenchRun, 'kernel' | 'attrs' | 'data'>, baseFile: string): void {
  if (base.kernel !== current.kernel) {
    differ(baseFile, 'kernel', base.kernel, current.kernel, 'compare a run of the same kernel, or save a new base');
  }
  if (JSON.stringify(base.attrs) !== JSON.stringify(current.attrs)) {
    differ(baseFile, 'set of attributes', JSON.stringify(base.attrs), JSON.stringify(current.attrs), 'give the same --attr / --k as when the base was saved');
  }
  if (base.data.length !== current.data.length) {
    differ(baseFile, 'number of --data files', String(base.data.length), String(current.data.length), 'give the same --data files as when the base was saved');
  }
  const shapes = (d: BenchRun['data'][number]): string => d.arrays.map((a) => `${a.dtype}[${a.shape.join(',')}]`).join(' ');
  base.data.forEach((b, i) => {
    const c = current.data[i]!;
    if (shapes(b) !== shapes(c)) {
      differ(baseFile, `data shape in --data ${i + 1}`, `${shapes(b)} from ${b.file}`, `${shapes(c)} from ${c.file}`, 'benchmark the same data as the base, or save a new base');
    }
    if (b.sha256 !== c.sha256) {
      differ(baseFile, `data file in --data ${i + 1} (same shapes, other bytes)`, `sha256 ${b.sha256} (${b.file})`, `sha256 ${c.sha256} (${c.file})`, 'benchmark the same data as the base, or save a new base');
    }
  });
}

/**
 * Refuses a base measured on another backend or thread count, or with another probe kind.
 * @throws ARGUMENT naming the difference
 */
export function checkSameSetup(base: BenchRun, current: Pick<BenchRun, 'machine' | 'probe'>, baseFile: string): void {
  if (base.machine.backend !== current.machine.backend || base.machine.threads !== current.machine.threads) {
    differ(baseFile, 'backend or thread count', `${base.machine.backend} on ${base.machine.threads} threads`, `${current.machine.backend} on ${current.machine.threads} threads`, 'pass --backend and --threads as the base had them');
  }
  if (base.probe.kind !== current.probe.kind || base.probe.threads !== current.probe.threads) {
    differ(baseFile, 'calibration probe', JSON.stringify(base.probe), JSON.stringify(current.probe), 'save a new base with this version of hotpath');
  }
}
