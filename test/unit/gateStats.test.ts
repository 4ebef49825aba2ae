/**
 * The regression gate's statistics on synthetic timings whose answer is known by construction:
 * the ratio of medians, its bootstrap interval, the decision rule, and the probe normalisation
 * (a machine twice as slow is no regression; a kernel 25% slower on it is). No real timing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapRatio, decide, median, quantileOf, relativeSpread } from '../../src/gate/bootstrap.js';
import { measure } from '../../src/gate/measure.js';
import { compareTimings } from '../../src/gate/compare.js';
import { createRuntime, HotpathError } from '../../src/index.js';
import { Probe } from '../../src/gate/probe.js';
import { parallelismOf } from '../../src/gate/target.js';

/** n values spread like run times: 10 ms * (1 + 0.1 u) with u from a seeded LCG, plus a few 2x outliers (a lost core). */
function timings(n: number, seed: number, scale = 10): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    out.push(scale * (1 + 0.1 * u) * (i % 11 === 5 ? 2 : 1));
  }
  return out;
}

/** The same values in another order (a fixed rotation and reversal), so resampling sees a different sequence. */
function reorder(values: readonly number[]): number[] {
  return [...values.slice(7), ...values.slice(0, 7)].reverse();
}

const isArgument = (e: unknown): boolean => e instanceof HotpathError && e.code === 'ARGUMENT';

test('median: odd and even counts, unsorted input, empty refused', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5]), 5);
  assert.throws(() => median([]), isArgument);
});

test('bootstrapRatio: current = base x 1.3 exactly gives ratio 1.3 inside a tight interval', () => {
  const base = timings(40, 1);
  const current = reorder(base.map((t) => t * 1.3));
  const r = bootstrapRatio(base, current, { resamples: 2000, seed: 3 });
  assert.ok(Math.abs(r.ratio - 1.3) < 1e-12, `ratio ${r.ratio}`);
  // Both sides resample the same multiset, so the log-ratio's bootstrap distribution is
  // symmetric about log 1.3: the interval contains it, and the spread of +-10% values keeps it narrow.
  assert.ok(r.low < 1.3 && r.high > 1.3, `[${r.low}, ${r.high}]`);
  assert.ok(r.low > 1.15 && r.high < 1.45, `[${r.low}, ${r.high}]`);
  assert.equal(r.confidence, 0.95);
  assert.equal(r.resamples, 2000);
});

test('bootstrapRatio: seeded (same seed, same interval) and independent of the time unit', () => {
  const base = timings(25, 5);
  const current = timings(31, 9);
  const a = bootstrapRatio(base, current, { seed: 11 });
  const b = bootstrapRatio(base, current, { seed: 11 });
  assert.deepEqual(a, b);
  const inSeconds = bootstrapRatio(base.map((t) => t / 1000), current.map((t) => t / 1000), { seed: 11 });
  assert.ok(Math.abs(inSeconds.low - a.low) < 1e-9 && Math.abs(inSeconds.high - a.high) < 1e-9);
});

test('quantileOf: numpy\'s linear interpolation (np.quantile([1, 2, 3, 4], 0.25) == 1.75)', () => {
  assert.equal(quantileOf([4, 1, 3, 2], 0.25), 1.75);
  assert.equal(quantileOf([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(quantileOf([4, 1, 3, 2], 1), 4);
  assert.equal(quantileOf([7], 0.25), 7);
  assert.throws(() => quantileOf([], 0.25), isArgument);
});

test('bootstrapRatio: a slow stretch in one run (a third of its rounds 20% slower) is not a slowdown of the lower quartile', () => {
  const base = timings(90, 61);
  const current = timings(90, 62).map((t, i) => (i >= 30 && i < 60 ? 1.2 * t : t));
  const quartile = bootstrapRatio(base, current, { seed: 5 });
  assert.ok(quartile.low < 1.1, `lower quartile interval [${quartile.low}, ${quartile.high}]`);
  // The same timings with every round 20% slower are flagged at the lower quartile.
  const slowed = bootstrapRatio(base, timings(90, 62).map((t) => 1.2 * t), { seed: 5 });
  assert.equal(decide(slowed, 0.1), 'slower', `[${slowed.low}, ${slowed.high}]`);
});

test('bootstrapRatio: bad options and a zero base are ARGUMENT errors', () => {
  assert.throws(() => bootstrapRatio([1, 2, 3], [1, 2, 3], { at: 1.5 }), isArgument);
  assert.throws(() => bootstrapRatio([1, 2, 3], [1, 2, 3], { resamples: 10 }), isArgument);
  assert.throws(() => bootstrapRatio([1, 2, 3], [1, 2, 3], { confidence: 1.5 }), isArgument);
  assert.throws(() => bootstrapRatio([0, 0, 0], [1, 2, 3]), isArgument);
  assert.throws(() => bootstrapRatio([], [1, 2, 3]), isArgument);
});

test('decide: fails only when the whole interval is above 1 + threshold; faster below 1 / (1 + threshold)', () => {
  assert.equal(decide({ low: 1.11, high: 1.3 }, 0.1), 'slower');
  assert.equal(decide({ low: 1.09, high: 1.3 }, 0.1), 'no significant change');
  // Significantly slower, but by less than the threshold: the gate passes.
  assert.equal(decide({ low: 1.03, high: 1.08 }, 0.1), 'no significant change');
  assert.equal(decide({ low: 0.8, high: 0.9 }, 0.1), 'faster');
  assert.equal(decide({ low: 0.8, high: 0.95 }, 0.1), 'no significant change');
  assert.equal(decide({ low: 1.01, high: 1.02 }, 0), 'slower');
  assert.throws(() => decide({ low: 1, high: 1 }, -0.1), isArgument);
  assert.throws(() => decide({ low: 1, high: 1 }, Number.NaN), isArgument);
});

test('compareTimings: a machine twice as slow (kernel and probe alike) is no significant change', () => {
  const base = { kernelMs: timings(30, 21), probeMs: timings(30, 22, 8) };
  const current = { kernelMs: reorder(base.kernelMs.map((t) => 2 * t)), probeMs: reorder(base.probeMs.map((t) => 2 * t)) };
  const c = compareTimings(base, current, 0.1);
  assert.equal(c.verdict, 'no significant change');
  assert.ok(Math.abs(c.machineRatio - 2) < 1e-12);
  assert.ok(Math.abs(c.currentMedianMs / c.baseMedianMs - 2) < 1e-12);
});

test('compareTimings: a kernel 25% slower on that slower machine is flagged; 25% faster is reported faster', () => {
  const base = { kernelMs: timings(30, 31), probeMs: timings(30, 32, 8) };
  const slower = { kernelMs: base.kernelMs.map((t) => 2 * 1.25 * t), probeMs: base.probeMs.map((t) => 2 * t) };
  const s = compareTimings(base, slower, 0.1);
  assert.ok(Math.abs(s.ratio - 1.25) < 1e-12, `ratio ${s.ratio}`);
  assert.equal(s.verdict, 'slower');
  const faster = { kernelMs: base.kernelMs.map((t) => t / 1.25), probeMs: base.probeMs };
  assert.equal(compareTimings(base, faster, 0.1).verdict, 'faster');
});

test('compareTimings: independent noisy samples of one distribution (with 2x outliers) are not flagged', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const base = { kernelMs: timings(30, seed * 2), probeMs: timings(30, seed * 2 + 1, 8) };
    const current = { kernelMs: timings(30, seed * 2 + 100), probeMs: timings(30, seed * 2 + 101, 8) };
    assert.notEqual(compareTimings(base, current, 0.1, { seed }).verdict, 'slower', `seed ${seed}`);
  }
});

test('relativeSpread: 0 for constant samples, narrower for more samples of one spread', () => {
  assert.equal(relativeSpread(Array.from({ length: 30 }, () => 7)), 0);
  const few = relativeSpread(timings(30, 41));
  const many = relativeSpread(timings(300, 41));
  assert.ok(few > 0 && many > 0 && many < few, `${few} ${many}`);
  // A 95% interval of a median of values spread over +-5% is well inside +-5%.
  assert.ok(few < 0.05, `${few}`);
});

test('measure: rounds alternate probe and kernel; a wide spread adds rounds up to maxRounds, a loose precision stops at rounds', () => {
  const order: string[] = [];
  let probeCalls = 0;
  // The probe's time swings 1 <-> 100 ms, so kernel / probe never settles.
  const probe = { time: (): number => (order.push('p'), probeCalls++ % 2 === 0 ? 1 : 100), calibrate: (): number => 1000 };
  const work = (): void => {
    order.push('k');
  };
  const wide = measure(work, probe, { rounds: 4, warmup: 1, warmupSeconds: 0, minSeconds: 0, maxRounds: 24 });
  assert.equal(wide.kernelMs.length, 24);
  assert.equal(wide.probeMs.length, 24);
  assert.equal(wide.probeIterations, 1000);
  assert.deepEqual(order.slice(0, 9), ['k', 'p', 'k', 'k', 'p', 'p', 'k', 'k', 'p']);
  const loose = measure(work, probe, { rounds: 4, warmup: 1, warmupSeconds: 0, minSeconds: 0, maxRounds: 24, precision: 1e9, probeIterations: 5 });
  assert.equal(loose.kernelMs.length, 4);
  assert.equal(loose.probeIterations, 5);
  assert.throws(() => measure(work, probe, { rounds: 2 }), isArgument);
  assert.throws(() => measure(work, probe, { rounds: 4, maxRounds: 3 }), isArgument);
  assert.throws(() => measure(work, probe, { rounds: 4, warmupSeconds: -1 }), isArgument);
});

test('measure: warm-up lasts warmupSeconds as well as `warmup` calls, and reports the calls it made', () => {
  const probe = { time: (): number => 1, calibrate: (): number => 10 };
  // Each call busy-waits 2 ms, so a 40 ms warm-up cannot end after one call.
  const work = (): void => {
    const until = performance.now() + 2;
    while (performance.now() < until) {
      // busy
    }
  };
  const timedWarmup = measure(work, probe, { rounds: 3, maxRounds: 3, warmup: 1, warmupSeconds: 0.04, minSeconds: 0 });
  assert.ok(timedWarmup.warmup > 1, `${timedWarmup.warmup} warm-up calls`);
  const counted = measure(work, probe, { rounds: 3, maxRounds: 3, warmup: 2, warmupSeconds: 0, minSeconds: 0 });
  assert.equal(counted.warmup, 2);
  // Rounds go on past `rounds` until they span minSeconds (bounded by maxRounds).
  const spanned = measure(work, probe, { rounds: 3, maxRounds: 1000, warmup: 1, warmupSeconds: 0, minSeconds: 0.04, precision: 1e9 });
  assert.ok(spanned.kernelMs.length > 3, `${spanned.kernelMs.length} rounds`);
  const capped = measure(work, probe, { rounds: 3, maxRounds: 5, warmup: 1, warmupSeconds: 0, minSeconds: 10, precision: 1e9 });
  assert.equal(capped.kernelMs.length, 5);
});

test('Probe: one share on the calling thread, the rest on workers, `segments` fork-joins per probe', async () => {
  assert.throws(() => new Probe(2, 0), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /segment count/.test(e.message));
  assert.throws(() => new Probe(0), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
  const two = new Probe(2, 7);
  const one = new Probe(1, 7);
  try {
    assert.ok(two.time(10_000) > 0);
    assert.equal(two.forkJoins, 7, 'one job generation per segment');
    two.time(3);
    assert.equal(two.forkJoins, 14, 'fewer iterations than segments still joins every segment');
    assert.ok(one.time(10_000) > 0);
    assert.equal(one.forkJoins, 0, 'one thread: the calling thread alone, nothing to join');
  } finally {
    await two.close();
    await one.close();
  }
});

test('parallelismOf: threads and fork-joins of the calls so far, from the stats', async () => {
  const hp = await createRuntime({ require: 'wasm', threads: 2, parallelThreshold: 0 });
  const ref = await createRuntime({ require: 'ref' });
  try {
    const x = hp.tensor(Float32Array.from({ length: 4096 }, (_, i) => i % 7), [64, 64]);
    hp.softmax(x).release();
    hp.softmax(x).release();
    assert.deepEqual(parallelismOf(hp), { threads: 2, forkJoins: 2 });
    const y = ref.tensor(Float32Array.from({ length: 16 }, (_, i) => i), [4, 4]);
    ref.softmax(y).release();
    assert.deepEqual(parallelismOf(ref), { threads: 1, forkJoins: 0 });
  } finally {
    await hp.close();
    await ref.close();
  }
});
