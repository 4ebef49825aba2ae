/**
 * The statistics of the regression gate: quantiles, a seeded bootstrap confidence interval of the
 * ratio of two quantiles, and the decision rule. Pure functions of the samples, so the decision is
 * tested on synthetic timings (test/unit/gateStats.test.ts) and never on real ones.
 *
 * Why a low quantile and the bootstrap: timings on a shared machine are skewed: a round that lost
 * its core takes 2x, none takes 0.5x, and whole stretches of a run can be 15-20% slow when a
 * neighbour loads the machine. The compared statistic is the lower quartile (GATE_QUANTILE) of
 * the per-round times: slow rounds and slow stretches move the upper part of the distribution,
 * while a slower kernel moves all of it. Measured on k-means over 2000 points (bench/gateAlarms.ts,
 * 20 trials, 2-core machine): with the median the ratios of identical reruns spread 0.89-1.11 and
 * 18 of 20 injected 20% slowdowns were flagged; the lower quartile of the same timings spread
 * 0.97-1.03 and flagged 20 of 20, with no false alarm either way. The quantile's sampling
 * distribution has no simple formula; resampling rounds with replacement gives it without
 * assuming a shape (Efron's percentile interval).
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { fail } from '../errors.js';

/** The quantile of the per-round times the gate compares: the lower quartile (see above). */
export const GATE_QUANTILE = 0.25;

/** The median of `values` (the mean of the middle two for an even count). @throws ARGUMENT when empty */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'no samples to take the median of', expected: 'at least one timing', received: 'none' });
  }
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface RatioInterval {
  /** quantile(current) / quantile(base), at the `at` quantile. */
  readonly ratio: number;
  /** Lower and upper bound of the interval (percentiles of the bootstrap ratios). */
  readonly low: number;
  readonly high: number;
  /** Coverage asked for, e.g. 0.95. */
  readonly confidence: number;
  readonly resamples: number;
}

export interface BootstrapOptions {
  /** Resamples of each side (default 2000). */
  readonly resamples?: number;
  /** Coverage of the interval (default 0.95). */
  readonly confidence?: number;
  /** Seed of the resampling, so the same samples always give the same interval (default 1). */
  readonly seed?: number;
  /** The quantile compared, from 0 to 1 (default GATE_QUANTILE; 0.5 is the median). */
  readonly at?: number;
}

/** The q-quantile of `values`, interpolating between order statistics like numpy. @throws ARGUMENT when empty */
export function quantileOf(values: readonly number[], q: number): number {
  if (values.length === 0) {
    return fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'no samples to take a quantile of', expected: 'at least one timing', received: 'none' });
  }
  return quantile(Float64Array.from(values).sort(), q);
}

function checkAt(at: number): number {
  if (!(at >= 0 && at <= 1)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid quantile', expected: 'a number from 0 to 1, e.g. 0.25', received: String(at) });
  }
  return at;
}

/**
 * A percentile bootstrap interval of quantile(current) / quantile(base) (the lower quartile unless
 * `at` says otherwise): each resample draws
 * `base.length` values from base and `current.length` from current, with replacement and
 * independently (the two sides were measured at different times, so no pairing crosses them).
 * @example bootstrapRatio([10, 11, 10.5], [12, 13, 12.5], { at: 0.5 }).ratio   // 12.5 / 10.5
 * @throws ARGUMENT for an empty side, a base median of 0, or bad options
 */
export function bootstrapRatio(base: readonly number[], current: readonly number[], options: BootstrapOptions = {}): RatioInterval {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isSafeInteger(resamples) || resamples < 100) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid resamples', expected: 'an integer >= 100', received: String(resamples) });
  }
  if (!(confidence > 0.5 && confidence < 1)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid confidence', expected: 'a number between 0.5 and 1, e.g. 0.95', received: String(confidence) });
  }
  const at = checkAt(options.at ?? GATE_QUANTILE);
  const baseValue = quantileOf(base, at);
  if (!(baseValue > 0)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'the base time is not positive, so no ratio can be taken', expected: 'a base whose compared quantile is above 0', received: String(baseValue), hint: 'the kernel is too fast to time on this data; give it more data' });
  }
  const rng = xoroshiro128plus(options.seed ?? 1);
  const ratios = new Float64Array(resamples);
  const b = new Float64Array(base.length);
  const c = new Float64Array(current.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < b.length; i++) {
      b[i] = base[uniformInt(rng, 0, base.length - 1)]!;
    }
    for (let i = 0; i < c.length; i++) {
      c[i] = current[uniformInt(rng, 0, current.length - 1)]!;
    }
    ratios[r] = quantile(c.sort(), at) / quantile(b.sort(), at);
  }
  ratios.sort();
  const tail = (1 - confidence) / 2;
  return {
    ratio: quantileOf(current, at) / baseValue,
    low: quantile(ratios, tail),
    high: quantile(ratios, 1 - tail),
    confidence,
    resamples,
  };
}

/**
 * A percentile bootstrap interval of one sample's compared quantile (`at`, default GATE_QUANTILE),
 * relative to it: the half-width (high - low) / 2 / quantile. measure() keeps adding rounds until
 * this is small enough.
 * @example relativeSpread([10, 10.2, 9.9, 10.1])   // about 0.01
 * @throws ARGUMENT for an empty sample
 */
export function relativeSpread(values: readonly number[], options: Pick<BootstrapOptions, 'resamples' | 'seed' | 'at'> = {}): number {
  const at = checkAt(options.at ?? GATE_QUANTILE);
  const centre = quantileOf(values, at);
  const rng = xoroshiro128plus(options.seed ?? 1);
  const resamples = options.resamples ?? 500;
  const medians = new Float64Array(resamples);
  const draw = new Float64Array(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < draw.length; i++) {
      draw[i] = values[uniformInt(rng, 0, values.length - 1)]!;
    }
    medians[r] = quantile(draw.sort(), at);
  }
  medians.sort();
  return (quantile(medians, 0.975) - quantile(medians, 0.025)) / 2 / centre;
}


/** The q-quantile of sorted values, interpolating linearly between order statistics (numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/** 'slower' fails the gate (exit 1); the other two pass. */
export type Verdict = 'slower' | 'faster' | 'no significant change';

/**
 * The gate's rule: 'slower' only when the whole interval lies above 1 + threshold (the slowdown
 * is both real and larger than the tolerated one); 'faster' when it lies below 1 / (1 +
 * threshold), the same margin on a log scale; otherwise 'no significant change'.
 * @example decide({ low: 1.15, high: 1.3 }, 0.1)   // 'slower'
 * @throws ARGUMENT for a threshold that is not a number >= 0
 */
export function decide(interval: Pick<RatioInterval, 'low' | 'high'>, threshold: number): Verdict {
  checkThreshold(threshold);
  if (interval.low > 1 + threshold) {
    return 'slower';
  }
  if (interval.high < 1 / (1 + threshold)) {
    return 'faster';
  }
  return 'no significant change';
}

/** Returns the threshold when it is a finite fraction >= 0. @throws ARGUMENT otherwise */
export function checkThreshold(threshold: number): number {
  if (!(threshold >= 0) || !Number.isFinite(threshold)) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid threshold', expected: 'a fraction >= 0, e.g. 0.1 for 10%', received: String(threshold) });
  }
  return threshold;
}
