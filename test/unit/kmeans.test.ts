/**
 * hp.kmeans against scikit-learn's KMeans(algorithm='lloyd') semantics, on the ref runtime and
 * on wasm (with ref for float64). Expected values are derived by hand or by plain loops here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime, HotpathError, type Runtime, type RuntimeOptions, type Tensor } from '../../src/index.js';
import { makeBlobs } from '../../src/data/blobs.js';
import { assertCode, eachRuntime, uniformValues } from '../helpers.js';

const RUNTIMES: readonly { name: string; options: RuntimeOptions }[] = [
  { name: 'ref', options: { backends: ['ref'] } },
  { name: 'wasm', options: { backends: ['wasm', 'ref'], threads: 2 } },
];



const nums = (t: Tensor): number[] => Array.from(t.toArray() as Float32Array);

/** Labels equal up to a renaming of the clusters (a bijection). */
function assertSamePartition(a: ArrayLike<number>, b: ArrayLike<number>): void {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    assert.equal(ab.get(a[i]!) ?? b[i], b[i], `point ${i}`);
    assert.equal(ba.get(b[i]!) ?? a[i], a[i], `point ${i}`);
    ab.set(a[i]!, b[i]!);
    ba.set(b[i]!, a[i]!);
  }
}

function assertClose(actual: readonly number[], expected: readonly number[], rel: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= rel * Math.max(1, Math.abs(expected[i]!)), `[${i}] ${v} vs ${expected[i]}`));
}

const SIX = [[-10, -1], [-10, 1], [-12, 0], [10, -1], [10, 1], [12, 0]];

eachRuntime(RUNTIMES, 'hand example, init first: ties go to the first centroid, a local minimum', (hp) => {
  // Mean (0, 0), so centring is exact. Start c0 = (-10,-1), c1 = (-10,1) (the first rows).
  // Iteration 1: p2 (-12,0) and p5 (12,0) are at 5 and 485 from both: tie -> c0. p3 -> c0 (400 < 404),
  //   p4 -> c1. Labels [0,1,0,0,1,0]; c0 = mean(p0,p2,p3,p5) = (0,-0.5), c1 = mean(p1,p4) = (0,1).
  // Iteration 2: same labels -> strict convergence after 2 iterations.
  // Inertia: c0: 100.25 + 144.25 + 100.25 + 144.25 = 489; c1: 100 + 100 = 200; total 689.
  for (const dtype of ['float32', 'float64'] as const) {
    const r = hp.kmeans(hp.tensor(SIX, undefined, { dtype }), { k: 2, init: 'first' });
    assert.deepEqual(nums(r.centroids), [0, -0.5, 0, 1], dtype);
    assert.deepEqual(nums(r.labels), [0, 1, 0, 0, 1, 0]);
    assert.equal(r.inertia, 689);
    assert.equal(r.iterations, 2);
    assert.equal(r.converged, true);
    assert.deepEqual(r.clusterSizes, [4, 2]);
  }
});

eachRuntime(RUNTIMES, 'hand example, given centroids', (hp) => {
  // Points (0,0) (0,2) (4,0) (4,2) (8,0) (8,2), mean (4,1). Start (1,1), (9,1).
  // Iteration 1: (4,y) is at 9+1 = 10 from c0, 25+1 = 26 from c1 -> labels [0,0,0,0,1,1];
  //   c0 = (2,1), c1 = (8,1). Iteration 2: (4,0) at 5 vs 17, same labels -> converged, 2 iterations.
  // Inertia: four points at 4+1 = 5 from (2,1), two at 1 from (8,1): 22.
  for (const dtype of ['float32', 'float64'] as const) {
    const x = hp.tensor([[0, 0], [0, 2], [4, 0], [4, 2], [8, 0], [8, 2]], undefined, { dtype });
    const r = hp.kmeans(x, { k: 2, init: hp.tensor([[1, 1], [9, 1]], undefined, { dtype }) });
    assert.deepEqual(nums(r.centroids), [2, 1, 8, 1], dtype);
    assert.deepEqual(nums(r.labels), [0, 0, 0, 0, 1, 1]);
    assert.equal(r.inertia, 22);
    assert.equal(r.iterations, 2);
    assert.equal(r.converged, true);
  }
});

eachRuntime(RUNTIMES, 'well-separated blobs are recovered exactly (up to a permutation)', (hp, name) => {
  const blobs = makeBlobs({ n: 400, d: 3, centers: 4, spread: 0.05, seed: 3 });
  const r = hp.kmeans(hp.tensor(blobs.points, [400, 3]), { k: 4, seed: 5 });
  assertSamePartition(nums(r.labels), blobs.truth);
  assert.equal(r.converged, true);
  assert.deepEqual(Object.keys(hp.stats().kernels.hamerly!.backends), [name]);
});

eachRuntime(RUNTIMES, 'empty clusters move to the points farthest from their centres (scikit-learn rule)', (hp) => {
  const pts = [[0, 0], [0, 2], [4, 0], [4, 2], [8, 0], [8, 2]];
  const d2 = (a: number[], b: number[]): number => (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2;
  const x = hp.tensor(pts, undefined, { dtype: 'float64' });
  // One far centre (point 3 is the farthest, at 11.25), then two (points 3 and 2, at 9.25).
  for (const start of [[[1, 0.5], [9, 1], [1000, 1000]], [[1, 0.5], [9, 1], [1000, 1000], [-1000, 0]]]) {
    const k = start.length;
    // Plain-loop first step: nearest start centre, then each empty cluster, in order, takes the
    // next farthest point from its own centre out of its cluster.
    const labels = pts.map((p) => start.reduce((best, c, j) => (d2(p, c) < d2(p, start[best]!) ? j : best), 0));
    const sums = start.map((_, j) => [0, 1].map((q) => pts.reduce((s, p, i) => s + (labels[i] === j ? p[q]! : 0), 0)));
    const counts = start.map((_, j) => labels.filter((l) => l === j).length);
    const order = pts.map((p, i) => [d2(p, start[labels[i]!]!), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const empty = start.flatMap((_, j) => (counts[j] === 0 ? [j] : []));
    assert.equal(empty.length, k - 2, 'the scenario: the far centres start empty');
    empty.forEach((j, e) => {
      const id = order[e]![1];
      sums[labels[id]!] = sums[labels[id]!]!.map((v, q) => v - pts[id]![q]!);
      counts[labels[id]!]! -= 1;
      sums[j] = [...pts[id]!];
      counts[j] = 1;
    });
    const one = hp.kmeans(x, { k, init: hp.tensor(start, undefined, { dtype: 'float64' }), maxIter: 1 });
    assertClose(nums(one.centroids), sums.flatMap((c, j) => c.map((v) => v / counts[j]!)), 1e-12);
    const full = hp.kmeans(x, { k, init: hp.tensor(start, undefined, { dtype: 'float64' }) });
    assert.ok(full.clusterSizes.every((size) => size > 0), `sizes ${full.clusterSizes}`);
    assert.equal(full.converged, true);
  }
  // scikit-learn's test_kmeans_empty_cluster_relocated: the light point 1 is the farthest.
  const f64 = (v: number[][] | number[]): Tensor => hp.tensor(v, undefined, { dtype: 'float64' });
  const weighted = hp.kmeans(f64([[-1], [1]]), { k: 2, init: f64([[-1], [10]]), sampleWeight: f64([1.9, 0.1]) });
  assert.deepEqual([nums(weighted.centroids), nums(weighted.labels)], [[-1, 1], [0, 1]]);
});

eachRuntime(RUNTIMES, 'float32 and float64 agree', (hp) => {
  const blobs = makeBlobs({ n: 500, d: 4, centers: 5, spread: 0.7, seed: 11 });
  const a = hp.kmeans(hp.tensor(blobs.points, [500, 4]), { k: 5, seed: 2 });
  const b = hp.kmeans(hp.tensor(Float64Array.from(blobs.points), [500, 4]), { k: 5, seed: 2 });
  assert.deepEqual(nums(a.labels), nums(b.labels));
  assert.ok(Math.abs(a.inertia - b.inertia) <= 1e-5 * b.inertia, `${a.inertia} vs ${b.inertia}`);
  assertClose(nums(a.centroids), nums(b.centroids), 1e-5);
});

eachRuntime(RUNTIMES, 'integer sample weights act as repetitions', (hp) => {
  const n = 40;
  const data = Float32Array.from(uniformValues(n * 2, 7), (v) => v * 10);
  const w = Array.from(uniformValues(n, 8), (v) => Math.floor(v * 4)); // 0..3
  const repeated: number[] = [];
  const firstCopy: number[] = [];
  w.forEach((times, i) => {
    for (let t = 0; t < times; t++) {
      firstCopy.push(t === 0 ? i : -1);
      repeated.push(data[2 * i]!, data[2 * i + 1]!);
    }
  });
  const start = [[2, 2], [8, 2], [5, 8]];
  const options = { k: 3, tol: 0 } as const;
  const weighted = hp.kmeans(hp.tensor(data, [n, 2]), { ...options, init: hp.tensor(start), sampleWeight: hp.tensor(Float32Array.from(w)) });
  const plain = hp.kmeans(hp.tensor(Float32Array.from(repeated), [repeated.length / 2, 2]), { ...options, init: hp.tensor(start) });
  assertClose(nums(weighted.centroids), nums(plain.centroids), 1e-5);
  assert.ok(Math.abs(weighted.inertia - plain.inertia) <= 1e-5 * plain.inertia);
  const wl = nums(weighted.labels);
  nums(plain.labels).forEach((label, r) => firstCopy[r]! >= 0 && assert.equal(wl[firstCopy[r]!], label, `row ${firstCopy[r]}`));
});

eachRuntime(RUNTIMES, 'inputs are never mutated: col-major x, given init, weights, and a strided view', (hp) => {
  const n = 30;
  const colData = Float32Array.from(uniformValues(n * 3, 21));
  const x = hp.tensor(colData, [n, 3], { layout: 'col' });
  const init = hp.tensor(Float32Array.from([0.2, 0.2, 0.2, 0.8, 0.8, 0.8]), [2, 3]);
  const weights = hp.tensor(Float32Array.from(uniformValues(n, 22), (v) => v + 0.5));
  const big = hp.tensor(Float32Array.from(uniformValues(2 * n * 6, 23)), [2 * n, 6]);
  const view = big.slice([0, 2 * n, 2], [1, 6, 2]); // every other row and column: [n, 3]
  const before = [x, init, weights, big].map((t) => Uint8Array.from(new Uint8Array(t.data().buffer, t.data().byteOffset, t.data().byteLength)));
  const r1 = hp.kmeans(x, { k: 2, init, sampleWeight: weights });
  const r2 = hp.kmeans(view, { k: 3, seed: 4 });
  const r3 = hp.kmeans(view.clone(), { k: 3, seed: 4 });
  [x, init, weights, big].forEach((t, i) => assert.deepEqual(Uint8Array.from(new Uint8Array(t.data().buffer, t.data().byteOffset, t.data().byteLength)), before[i]));
  // The col-major tensor and the strided view give the same answer as row-major copies.
  const r1c = hp.kmeans(x.clone(), { k: 2, init, sampleWeight: weights });
  assert.deepEqual([nums(r1.labels), nums(r1.centroids), r1.inertia], [nums(r1c.labels), nums(r1c.centroids), r1c.inertia]);
  assert.deepEqual([nums(r2.labels), nums(r2.centroids), r2.inertia], [nums(r3.labels), nums(r3.centroids), r3.inertia]);
});

test('wasm: 1 and 2 threads give identical results, and lloyd is bit-equal to ref', async () => {
  const n = 5000;
  const blobs = makeBlobs({ n, d: 8, centers: 8, spread: 2, seed: 9 });
  const runs = [];
  for (const threads of [1, 2]) {
    // parallelThreshold 0 splits every call, so 2 threads really share the blocks.
    const hp = await createRuntime({ backends: ['wasm'], require: 'wasm', threads, parallelThreshold: 0 });
    const r = hp.kmeans(hp.tensor(blobs.points, [n, 8]), { k: 8, seed: 3 });
    runs.push({ labels: nums(r.labels), centroids: nums(r.centroids), inertia: r.inertia, iterations: r.iterations });
    await hp.close();
  }
  assert.deepEqual(runs[0], runs[1]);
  const outputs = [];
  for (const options of [{ backends: ['wasm'], require: 'wasm', threads: 2, parallelThreshold: 0 }, { backends: ['ref'] }] as RuntimeOptions[]) {
    const hp = await createRuntime(options);
    const x = hp.tensor(blobs.points, [n, 8]);
    const c = hp.tensor(blobs.points.subarray(0, 64), [8, 8]);
    const w = hp.tensor(Float32Array.from(uniformValues(n, 5)));
    // Far from the origin with exact ties (rows equal to centroid 0 or halfway between 0 and 1).
    const far = hp.tensor(Float32Array.from([10001, 0, 10001, 5, 10000, 0, 10002, 0, 10001, -3]), [5, 2]);
    const cf = hp.tensor(Float32Array.from([10000, 0, 10002, 0]), [2, 2]);
    outputs.push([...hp.run('lloyd', [x, c]), ...hp.run('lloyd', [x, c, w]), ...hp.run('lloyd', [far, cf])].map((t) => t.toArray()));
    await hp.close();
  }
  assert.deepEqual(outputs[0], outputs[1]);
  assert.deepEqual(Array.from(outputs[1]![6]! as Int32Array), [0, 0, 0, 1, 0], 'ties go to the first centroid');
});

eachRuntime(RUNTIMES, 'seeds: same seed same result, nInit keeps the lowest inertia', (hp) => {
  const x = hp.tensor(Float32Array.from(uniformValues(200 * 2, 31)), [200, 2]);
  const fit = (seed: number, nInit = 1) => hp.kmeans(x, { k: 5, seed, nInit });
  const key = (r: ReturnType<typeof fit>) => JSON.stringify([nums(r.labels), nums(r.centroids), r.inertia]);
  assert.equal(key(fit(1)), key(fit(1)));
  const distinct = new Set([0, 1, 2, 3, 4].map((s) => key(fit(s))));
  assert.ok(distinct.size > 1, 'five seeds all gave the same clustering');
  const best = fit(1, 4);
  assert.equal(best.runs, 4);
  assert.ok(best.bestRun >= 0 && best.bestRun < 4);
  // Run 0 of nInit 4 is the nInit 1 run of the same seed (same random stream).
  assert.ok(best.inertia <= fit(1).inertia);
  const random = hp.kmeans(x, { k: 5, init: 'random', seed: 1 });
  assert.equal(random.runs, 10, "nInit 'auto' is 10 for init 'random'");
});

eachRuntime(RUNTIMES, 'predict on the training data gives the labels; transform gives euclidean distances', (hp) => {
  const n = 60;
  const data = Float32Array.from(uniformValues(n * 3, 41));
  const x = hp.tensor(data, [n, 3]);
  const r = hp.kmeans(x, { k: 4, seed: 2 });
  assert.deepEqual(nums(r.predict(x)), nums(r.labels));
  const c = nums(r.centroids);
  const expected: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let p = 0; p < 3; p++) {
        s += (data[i * 3 + p]! - c[j * 3 + p]!) ** 2;
      }
      expected.push(Math.sqrt(s));
    }
  }
  const t = r.transform(x);
  assert.deepEqual(t.shape, [n, 4]);
  assertClose(nums(t), expected, 1e-5);
  assertCode(() => r.predict(hp.tensor(Float32Array.from([1, 2]), [1, 2])), 'SHAPE', 'kmeans.predict');
});

eachRuntime(RUNTIMES, 'bad input gives coded errors', (hp) => {
  const x = hp.tensor(Float32Array.from(uniformValues(12, 51)), [6, 2]);
  const withBad = (row: number, v: number): Tensor => hp.tensor(Float32Array.from(uniformValues(12, 51), (u, e) => (e === row * 2 + 1 ? v : u)), [6, 2]);
  const weights = (...w: number[]): Tensor => hp.tensor(Float32Array.from(w));
  assertCode(() => hp.kmeans(x, { k: 7 }), 'ARGUMENT', 'k <= 6');
  assertCode(() => hp.kmeans(x, { k: 0 }), 'ARGUMENT', 'invalid k');
  assertCode(() => hp.kmeans(withBad(3, NaN), { k: 2 }), 'ARGUMENT', 'at row 3');
  assertCode(() => hp.kmeans(withBad(4, Infinity), { k: 2, init: 'first' }), 'ARGUMENT', 'Infinity at row 4');
  assertCode(() => hp.kmeans(x, { k: 2, sampleWeight: weights(1, 1, -1, 1, 1, 1) }), 'ARGUMENT', '-1 at point 2');
  assertCode(() => hp.kmeans(x, { k: 2, sampleWeight: weights(1, NaN, 1, 1, 1, 1) }), 'ARGUMENT', 'NaN at point 1');
  assertCode(() => hp.kmeans(x, { k: 2, sampleWeight: weights(0, 0, 0, 0, 0, 0) }), 'ARGUMENT', 'all sample weights are 0');
  assertCode(() => hp.kmeans(x, { k: 2, sampleWeight: weights(1, 1, 1) }), 'SHAPE', 'sampleWeight');
  assertCode(() => hp.kmeans(x, { k: 2, init: hp.tensor(Float32Array.from([0, 0, 1, 1, 2, 2]), [3, 2]) }), 'SHAPE', 'initial centroids');
  assertCode(() => hp.kmeans(x, { k: 2, init: 'kmeans++' as 'first' }), 'ARGUMENT', 'unknown init');
  assertCode(() => hp.kmeans(x, { k: 2, init: hp.tensor(Float32Array.from([0, 0, NaN, 1]), [2, 2]) }), 'ARGUMENT', 'init contains NaN');
  assertCode(() => hp.kmeans(x, { k: 2, nInit: 0 }), 'ARGUMENT', 'invalid nInit');
  assertCode(() => hp.kmeans(x, { k: 2, seed: -1 }), 'ARGUMENT', 'invalid seed');
  assertCode(() => hp.kmeans(x, { k: 2, maxIter: 2.5 }), 'ARGUMENT', 'invalid maxIter');
  assertCode(() => hp.kmeans(x, { k: 2, tol: -1 }), 'ARGUMENT', 'invalid tol');
  assertCode(() => hp.kmeans(hp.tensor(Float32Array.from([1, 2, 3])), { k: 1 }), 'SHAPE', 'rank 2');
  assertCode(() => hp.kmeans(hp.tensor(Int32Array.from([1, 2, 3, 4]), [2, 2]), { k: 1 }), 'DTYPE', 'float32 | float64');
  assertCode(() => hp.kmeans(hp.tensor(new Float32Array(0), [0, 2]), { k: 1 }), 'SHAPE', 'no data');
  const gone = hp.tensor(Float32Array.from([1, 2, 3, 4]), [2, 2], { name: 'gone' });
  gone.release();
  assertCode(() => hp.kmeans(gone, { k: 1 }), 'LIFETIME', "'gone'");
});

eachRuntime(RUNTIMES, 'convergence: large tol stops early, tol 0 runs to fixed labels, maxIter stops unconverged', (hp) => {
  const n = 300;
  const data = Float32Array.from(uniformValues(n * 2, 61));
  const x = hp.tensor(data, [n, 2]);
  const seen: number[] = [];
  const strict = hp.kmeans(x, { k: 6, init: 'first', tol: 0, onIteration: (info) => seen.push(info.iteration) });
  assert.equal(strict.converged, true);
  assert.ok(strict.iterations > 3, `only ${strict.iterations} iterations: pick harder data`);
  assert.deepEqual(seen, Array.from({ length: strict.iterations }, (_, i) => i + 1));
  // Fixed point: each centroid is the mean of its points (plain loops here).
  const labels = nums(strict.labels);
  const c = nums(strict.centroids);
  for (let j = 0; j < 6; j++) {
    const ids = labels.flatMap((l, i) => (l === j ? [i] : []));
    const m = [0, 1].map((p) => ids.reduce((s, i) => s + data[i * 2 + p]!, 0) / ids.length);
    assertClose(c.slice(j * 2, j * 2 + 2), m, 1e-5);
  }
  const early = hp.kmeans(x, { k: 6, init: 'first', tol: 1e6 });
  assert.deepEqual([early.iterations, early.converged], [1, true]);
  const capped = hp.kmeans(x, { k: 6, init: 'first', maxIter: 2, tol: 0 });
  assert.deepEqual([capped.iterations, capped.converged], [2, false]);
  assert.deepEqual(nums(capped.predict(x)), nums(capped.labels), 'labels match the returned centroids');
});

test('random inits: NaN or Infinity is a coded error, overflowing float32 distances do not crash, too few weighted points is refused', async () => {
  const hp = await createRuntime({ backends: ['wasm', 'ref'] });
  try {
    for (const bad of [Number.NaN, Infinity]) {
      for (const init of ['k-means++', 'random'] as const) {
        const x = hp.tensor(Float32Array.from([0, 0, 1, 1, bad, 2, 3, 3]), [4, 2]);
        assert.throws(() => hp.kmeans(x, { k: 2, init }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /row 2/.test(e.message));
      }
    }
    // Squared float32 distances of +-1e20 overflow; k-means++ must still finish (scikit-learn does).
    const huge = hp.tensor(Float32Array.from([1e20, 0, 1e20, 1, -1e20, 0, -1e20, 1, 0, 0, 0, 1]), [6, 2]);
    const r = hp.kmeans(huge, { k: 3, seed: 1 });
    assert.equal(r.labels.shape[0], 6);
    const w = hp.tensor(Float32Array.from([1, 1, 0, 0, 0, 0]), [6]);
    const x6 = hp.tensor(Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]), [6, 2]);
    assert.throws(() => hp.kmeans(x6, { k: 3, init: 'random', sampleWeight: w }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /weight > 0/.test(e.message));
  } finally {
    await hp.close();
  }
});

test('makeBlobs: coded errors for bad counts and for sizes no array can hold', () => {
  assertCode(() => makeBlobs({ n: 1e12, d: 1000, centers: 2 }), 'MEMORY', 'n * d');
  assertCode(() => makeBlobs({ n: 0, d: 2, centers: 2 }), 'ARGUMENT', 'invalid n');
  assertCode(() => makeBlobs({ n: 2, d: 2.5, centers: 2 }), 'ARGUMENT', 'invalid d');
  assertCode(() => makeBlobs({ n: 2, d: 2, centers: 2, spread: Number.NaN }), 'ARGUMENT', 'invalid spread');
});
