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
import { relativeSpread } from './bootstrap.js';
import type { Probe } from './probe.js';

export interface MeasureOptions {
  /** Rounds measured at least (default 30). */
  readonly rounds?: number;
  /**
   * Rounds are added, 10 at a time, until the compared quantile of kernel / probe is known within this
   * fraction (half-width of its bootstrap 95% interval relative to it; default 0.025), at most
   * `maxRounds` (default 10 x rounds) and for at most `maxSeconds` beyond the first `rounds`
   * (default 60). A quiet machine stops at `rounds`; a busy one measures longer instead of
   * giving an interval too wide to detect anything.
   */
  readonly precision?: number;
  readonly maxRounds?: number;
  /**
   * Rounds also go on until they span this long, s (default 3). Measured on k-means over 2000
   * points (13 ms per fit, one thread): identical code ran 15-20% slower for stretches of about
   * 0.3-0.5 s that the probe did not see (the machine is shared); 30 rounds (0.8 s) could fall
   * mostly inside one such stretch, 3 s of rounds keep it a minority that the lower quartile ignores.
   */
  readonly minSeconds?: number;
  readonly maxSeconds?: number;
  /** Kernel calls before the first round, not recorded (default 3): JIT, first-call compiles, worker start. */
  readonly warmup?: number;
  /**
   * Warm-up lasts at least this long as well, s (default 1). Measured on k-means over 2000 points
   * (13 ms per fit): the first 20-30 calls of a process ran 15-25% slower than the rest (JIT tiers,
   * caches), so three warm-up calls left that transient in the first rounds and made two processes
   * of identical code differ by up to 20%.
   */
  readonly warmupSeconds?: number;
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
  /** Warm-up calls made (at least the option's count; more when warmupSeconds asked for more). */
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
  const warmupMs = 1000 * (options.warmupSeconds ?? 1);
  if (!(warmupMs >= 0 && warmupMs <= 600_000)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid warm-up seconds', expected: 'a number from 0 to 600', received: String(options.warmupSeconds) });
  }
  const warm: number[] = [];
  const warmSince = performance.now();
  while (warm.length < warmup || (performance.now() - warmSince < warmupMs && warm.length < 100_000)) {
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
  const minMs = 1000 * (options.minSeconds ?? 3);
  if (!(minMs >= 0 && minMs <= 600_000)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid minimum seconds', expected: 'a number from 0 to 600', received: String(options.minSeconds) });
  }
  const roundsSince = performance.now();
  for (let r = 0; r < rounds || (performance.now() - roundsSince < minMs && r < maxRounds); r++) {
    round(r);
  }
  const extraSince = performance.now();
  while (kernelMs.length + 10 <= maxRounds && performance.now() - extraSince < maxMs && relativeSpread(kernelMs.map((k, i) => k / probeMs[i]!)) > precision) {
    for (let r = 0; r < 10; r++) {
      round(kernelMs.length);
    }
  }
  return { kernelMs, probeMs, probeIterations, warmup: warm.length };
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
