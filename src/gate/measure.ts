/**
 * The measurement loop of the regression gate: warm-up calls, then rounds of one kernel call and
 * one probe call, in alternating order (probe first in even rounds, kernel first in odd ones),
 * so a slow stretch of the machine or a drift within the run falls on both alike.
 *
 * Pairing, when the base is a file: the code the base measured cannot run again, so the two
 * sides of a comparison are never measured side by side. What is paired is each kernel time
 * with the probe time measured next to it: the gate compares kernel / probe per round, which
 * cancels the machine speed of that moment (see probe.ts), and the raw times are saved so any
 * later statistic can be computed from the file.
 */
import { fail } from '../errors.js';
import { relativeMedianSpread } from './bootstrap.js';
import type { Probe } from './probe.js';

export interface MeasureOptions {
  /** Rounds measured at least (default 30). */
  readonly rounds?: number;
  /**
   * Rounds are added, 10 at a time, until the median of kernel / probe is known within this
   * fraction (half-width of its bootstrap 95% interval relative to it; default 0.025), at most
   * `maxRounds` (default 10 x rounds) and for at most `maxSeconds` beyond the first `rounds`
   * (default 60). A quiet machine stops at `rounds`; a busy one measures longer instead of
   * giving an interval too wide to detect anything.
   */
  readonly precision?: number;
  readonly maxRounds?: number;
  readonly maxSeconds?: number;
  /** Kernel calls before the first round, not recorded (default 3): JIT, first-call compiles, worker start. */
  readonly warmup?: number;
  /** Probe iterations per thread; calibrated to the kernel's warm-up time when absent. */
  readonly probeIterations?: number;
  /**
   * Test-only: make every timed kernel call this fraction slower (0.2 = 20%) by real work inside
   * the timed region: after the call returns, the thread keeps computing for that fraction of
   * the call's own duration. bench/gateAlarms.ts uses it to count detections.
   */
  readonly slowdown?: number;
}

export interface Measurement {
  /** Wall time of each round's kernel call, ms. */
  readonly kernelMs: number[];
  /** Wall time of each round's probe, ms. */
  readonly probeMs: number[];
  readonly probeIterations: number;
  readonly warmup: number;
}

/** One call of the measured work; it releases what it allocates. */
export type Work = () => void;

/**
 * Measures `work` against `probe`.
 * @example const m = measure(() => hp.relu(x).release(), probe, { rounds: 20 })
 * @throws ARGUMENT for bad options; whatever `work` throws
 */
export function measure(work: Work, probe: Pick<Probe, 'time' | 'calibrate'>, options: MeasureOptions = {}): Measurement {
  const rounds = count('rounds', options.rounds ?? 30, 3);
  const maxRounds = count('maxRounds', options.maxRounds ?? 10 * rounds, rounds);
  const precision = options.precision ?? 0.025;
  const maxMs = 1000 * (options.maxSeconds ?? 60);
  if (!(precision > 0) || !(maxMs >= 0)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid precision or maxSeconds', expected: 'precision > 0 and maxSeconds >= 0', received: `${precision}, ${maxMs / 1000}` });
  }
  const warmup = count('warmup', options.warmup ?? 3, 1);
  const slowdown = options.slowdown ?? 0;
  if (!(slowdown >= 0 && slowdown < 10)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid injected slowdown', expected: 'a fraction from 0 to 10', received: String(slowdown) });
  }
  const warm: number[] = [];
  for (let i = 0; i < warmup; i++) {
    warm.push(timed(work, slowdown));
  }
  const probeIterations = options.probeIterations ?? probe.calibrate(Math.min(...warm));
  const kernelMs: number[] = [];
  const probeMs: number[] = [];
  const round = (r: number): void => {
    if (r % 2 === 0) {
      probeMs.push(probe.time(probeIterations));
      kernelMs.push(timed(work, slowdown));
    } else {
      kernelMs.push(timed(work, slowdown));
      probeMs.push(probe.time(probeIterations));
    }
  };
  for (let r = 0; r < rounds; r++) {
    round(r);
  }
  const extraSince = performance.now();
  while (kernelMs.length + 10 <= maxRounds && performance.now() - extraSince < maxMs && relativeMedianSpread(kernelMs.map((k, i) => k / probeMs[i]!)) > precision) {
    for (let r = 0; r < 10; r++) {
      round(kernelMs.length);
    }
  }
  return { kernelMs, probeMs, probeIterations, warmup };
}

/** One call of `work`, ms, with the injected slowdown inside the timed region. */
function timed(work: Work, slowdown: number): number {
  const start = performance.now();
  work();
  if (slowdown > 0) {
    const worked = performance.now();
    const until = worked + slowdown * (worked - start);
    let sink = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 1000; i++) {
        sink = (sink * 31 + i) | 0;
      }
    }
    if (sink === 0x7fffffff) {
      // Never true in practice; keeps the busy loop observable so it is not removed.
      process.stderr.write('');
    }
  }
  return performance.now() - start;
}

function count(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > 100_000) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: `invalid ${name}`, expected: `an integer from ${min} to 100000`, received: String(value) });
  }
  return value;
}
