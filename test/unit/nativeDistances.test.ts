/**
 * The native backend's distance family on every path this CPU runs ('avx512', 'avx2', 'scalar')
 * and on 1 and 2 threads (every call split): lloyd and hamerly give the reference's labels,
 * sums and counts bit for bit (odd sizes, weights, ties, far from the origin, subnormal scores,
 * float32 and float64), hp.kmeans gives the same labels and centroids bits as on ref and wasm.
 * Skipped, with the reason, where the addon is not built.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRuntime, type Runtime, type RuntimeOptions, type Tensor } from '../../src/index.js';
import { lcg } from '../helpers.js';
import { nativePaths, nativeSkip } from '../native.js';
import { distance, hints, makeCase, moveCentroids, type Case } from '../lloydCases.js';

const skip = nativeSkip ?? false;
const PATHS = nativePaths;

interface Native {
  readonly name: string;
  readonly hp: Runtime;
}

let ref: Runtime;
const natives: Native[] = [];

before(async () => {
  ref = await createRuntime({ backends: ['ref'] });
  for (const isa of PATHS) {
    for (const threads of [1, 2]) {
      // require: a declined call throws instead of running elsewhere unseen.
      const options: RuntimeOptions = { backends: ['native'], require: 'native', threads, parallelThreshold: 0, native: { isa } };
      natives.push({ name: `${isa}, ${threads} thread${threads > 1 ? 's' : ''}`, hp: await createRuntime(options) });
    }
  }
});

after(async () => {
  await ref?.close();
  for (const { hp } of natives) {
    await hp.close();
  }
});

type Arrays = ArrayLike<number>[];

function lloydOn(hp: Runtime, cs: Case, w?: Float32Array | Float64Array): Arrays {
  return hp.scope(() => {
    const inputs = [hp.tensor(cs.x, [cs.n, cs.d]), hp.tensor(cs.c, [cs.k, cs.d]), ...(w === undefined ? [] : [hp.tensor(w, [cs.n])])];
    return hp.run('lloyd', inputs).map((t) => t.toArray() as ArrayLike<number>);
  });
}

/** Same bits: labels, then the float64 sums and counts compared as raw bits (so -0 and NaN count too). */
function assertSameBits(got: Arrays, expected: Arrays, what: string): void {
  assert.deepEqual(got[0], expected[0], `${what}: labels`);
  for (const e of [1, 2]) {
    const a = new BigUint64Array(Float64Array.from(got[e]!).buffer);
    const b = new BigUint64Array(Float64Array.from(expected[e]!).buffer);
    assert.deepEqual(a, b, `${what}: ${e === 1 ? 'sums' : 'counts'}`);
  }
}

function weightsOf(n: number, seed: number, array: typeof Float32Array | typeof Float64Array): Float32Array | Float64Array {
  const next = lcg(seed);
  // Weights that make w * x inexact, so an FMA-contracted sum would differ from the reference's.
  return array.from(Array.from({ length: n }, () => 0.1 + next() * 3.7));
}

const CASES: readonly [string, Case][] = [
  ['clustered, d=5, k=13, 3 blocks', makeCase(1, 5000, 5, 13, 0)],
  ['far from the origin (1e4), d=16, k=8', makeCase(2, 4500, 16, 8, 1e4)],
  ['k=1, d=3', makeCase(3, 300, 3, 1, 0)],
  ['odd sizes: d=33, k=70, n=2049', makeCase(7, 2049, 33, 70, 0)],
  ['d=1, k=2', makeCase(8, 100, 1, 2, 0)],
  ['float64, clustered, d=5, k=13', makeCase(1, 5000, 5, 13, 0, Float64Array)],
  ['float64, far from the origin (1e6), d=16, k=8', makeCase(2, 4500, 16, 8, 1e6, Float64Array)],
  ['float64, odd sizes: d=19, k=37, n=4097', makeCase(9, 4097, 19, 37, 3, Float64Array)],
];

for (const [name, cs] of CASES) {
  test(`lloyd on native equals ref bit for bit on every path and thread count: ${name}`, { skip }, () => {
    const array = cs.x instanceof Float64Array ? Float64Array : Float32Array;
    const w = weightsOf(cs.n, 5, array);
    const expected = lloydOn(ref, cs);
    const weighted = lloydOn(ref, cs, w);
    for (const { name: path, hp } of natives) {
      assertSameBits(lloydOn(hp, cs), expected, path);
      assertSameBits(lloydOn(hp, cs, w), weighted, `${path}, weighted`);
      assert.deepEqual(Object.keys(hp.stats().kernels.lloyd!.backends), ['native']);
    }
  });
}

test('lloyd on native: sliced rows (row stride > d), strided float64 weights, d = 0, k = 1000', { skip }, () => {
  const n = 3000;
  const d = 5;
  const k = 7;
  const next = lcg(61);
  const wide = Float64Array.from({ length: n * (d + 3) }, () => (next() - 0.5) * 20);
  const centroids = Float64Array.from({ length: k * (d + 2) }, () => (next() - 0.5) * 20);
  const weights = Float64Array.from({ length: 2 * n }, () => 0.5 + next());
  const run = (hp: Runtime): Arrays =>
    hp.scope(() => {
      const x = hp.tensor(wide, [n, d + 3]).slice(null, [1, d + 1]);
      const c = hp.tensor(centroids, [k, d + 2]).slice(null, [2, d + 2]);
      const w = hp.tensor(weights, [2 * n]).slice([0, 2 * n, 2]);
      return hp.run('lloyd', [x, c, w]).map((t) => t.toArray() as ArrayLike<number>);
    });
  const expected = run(ref);
  const empty = lloydOn(ref, { n: 5, d: 0, k: 3, x: new Float32Array(0), c: new Float32Array(0) });
  const many = makeCase(12, 700, 2, 1000, 0);
  const manyExpected = lloydOn(ref, many);
  for (const { name, hp } of natives) {
    assertSameBits(run(hp), expected, `${name}, strided`);
    assertSameBits(lloydOn(hp, { n: 5, d: 0, k: 3, x: new Float32Array(0), c: new Float32Array(0) }), empty, `${name}, d = 0`);
    assertSameBits(lloydOn(hp, many), manyExpected, `${name}, k = 1000`);
  }
});

test('lloyd on native: labels equal the reference for values deep in the subnormal range of scores', { skip }, () => {
  for (const scale of [1e-21, 3e-22, 1e-22]) {
    const base = makeCase(6, 3000, 4, 6, 0);
    const cs = { ...base, x: Float32Array.from(base.x, (v) => v * scale), c: Float32Array.from(base.c, (v) => v * scale) };
    const expected = lloydOn(ref, cs);
    for (const { name, hp } of natives) {
      assertSameBits(lloydOn(hp, cs), expected, `${name}, scale ${scale}`);
    }
  }
});

test('lloyd on native: ties go to the first centroid, NaN never wins', { skip }, () => {
  const x = Float32Array.from([10001, 0, 10001, 5, 10000, 0, 10002, 0, 10001, -3, Number.NaN, 1]);
  const c = Float32Array.from([10000, 0, 10002, 0, Number.NaN, 0]);
  const cs = { n: 6, d: 2, k: 3, x, c };
  const expected = lloydOn(ref, cs);
  assert.deepEqual(Array.from(expected[0]!), [0, 0, 0, 1, 0, 0]);
  for (const { name, hp } of natives) {
    assertSameBits(lloydOn(hp, cs), expected, name);
  }
});

for (const [name, cs] of [
  ['float32, d=6, k=12', makeCase(4, 6000, 6, 12, 0)],
  ['float64, d=9, k=21', makeCase(4, 5000, 9, 21, 0, Float64Array)],
] as const) {
  test(`hamerly on native with hints for earlier centroids equals lloyd on ref; its bounds are bounds: ${name}`, { skip }, () => {
    const h = hints(cs, 21);
    const { moved, drift } = moveCentroids(cs, lcg(22), (next) => () => (next() < 0.5 ? 6 : 0));
    const now: Case = { ...cs, c: moved };
    const expected = lloydOn(ref, now);
    for (const { name: path, hp } of natives) {
      hp.scope(() => {
        const out = hp.run('hamerly', [hp.tensor(cs.x, [cs.n, cs.d]), hp.tensor(moved, [cs.k, cs.d]), hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), hp.tensor(drift, [cs.k])]);
        const got = out.map((t) => t.toArray() as ArrayLike<number>);
        assertSameBits(got, expected, path);
        const bounds = got[3]!;
        const labels = got[0]!;
        for (let i = 0; i < cs.n; i++) {
          assert.ok(bounds[2 * i]! >= distance(now, i, labels[i]!) * (1 - 1e-12), `${path}: upper bound of point ${i}`);
          for (let j = 0; j < cs.k; j++) {
            assert.ok(j === labels[i] || bounds[2 * i + 1]! <= distance(now, i, j) * (1 + 1e-12), `${path}: lower bound of point ${i} against centroid ${j}`);
          }
        }
        // A drift that is not a distance claims nothing: still lloyd's answer.
        const negative = hp.run('hamerly', [hp.tensor(cs.x, [cs.n, cs.d]), hp.tensor(moved, [cs.k, cs.d]), hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), hp.tensor(new Float64Array(cs.k).fill(-1), [cs.k])]);
        assertSameBits(negative.map((t) => t.toArray() as ArrayLike<number>), expected, `${path}, negative drift`);
      });
      assert.deepEqual(Object.keys(hp.stats().kernels.hamerly!.backends), ['native']);
    }
  });
}

/** Blobs in d dimensions around `centres` random centres, some points far out. */
function blobs(n: number, d: number, seed: number): Float32Array {
  const next = lcg(seed);
  const centres = Array.from({ length: 7 * d }, () => (next() - 0.5) * 40);
  return Float32Array.from({ length: n * d }, (_, e) => centres[(Math.floor(e / d) % 7) * d + (e % d)]! + (next() - 0.5) * 6);
}

const bits = (t: Tensor): string => Buffer.from(new Uint8Array((t.toArray() as Float32Array | Int32Array).buffer)).toString('hex');

test('hp.kmeans on native gives the labels and centroids of ref and wasm, bit for bit', { skip }, async () => {
  const n = 5000;
  const d = 11;
  const points = blobs(n, d, 41);
  const fit = (hp: Runtime): string[] => {
    const r = hp.kmeans(hp.tensor(points, [n, d]), { k: 9, seed: 5, maxIter: 30 });
    return [bits(r.labels), bits(r.centroids), String(r.inertia), String(r.iterations)];
  };
  const expected = fit(ref);
  const wasm = await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 2, parallelThreshold: 0 });
  assert.deepEqual(fit(wasm), expected, 'wasm');
  await wasm.close();
  for (const isa of PATHS) {
    for (const threads of [1, 2]) {
      const hp = await createRuntime({ threads, parallelThreshold: 0, native: { isa } });
      assert.deepEqual(fit(hp), expected, `native ${isa}, ${threads} threads`);
      const kernels = hp.stats().kernels;
      assert.deepEqual(Object.keys(kernels.hamerly?.backends ?? {}), ['native'], `${isa}: hamerly ran on native`);
      await hp.close();
    }
  }
});

/** sum (x_i - y_j)^2 in float64 from the values the tensors hold (rows of [n, d] row-major arrays). */
function squared(x: ArrayLike<number>, y: ArrayLike<number>, n: number, m: number, d: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let p = 0; p < d; p++) {
        const diff = x[i * d + p]! - y[j * d + p]!;
        sum += diff * diff;
      }
      out[i * m + j] = sum;
    }
  }
  return out;
}

/** Largest |got - expected| / expected (infinite for a nonzero result where expected is 0, or NaN). */
function worstRelative(got: ArrayLike<number>, expected: Float64Array): number {
  let worst = 0;
  expected.forEach((e, i) => {
    const err = Math.abs(got[i]! - e);
    const rel = e === 0 ? (err === 0 ? 0 : Infinity) : err / e;
    worst = Number.isNaN(rel) ? Infinity : Math.max(worst, rel);
  });
  return worst;
}

function pointsOf(count: number, seed: number, centre: number, spread: number, array: typeof Float32Array | typeof Float64Array): Float32Array | Float64Array {
  const next = lcg(seed);
  return array.from(Array.from({ length: count }, () => centre + (next() - 0.5) * spread));
}

for (const [label, array, limit] of [
  ['float32', Float32Array, 1e-5],
  ['float64', Float64Array, 1e-12],
] as const) {
  test(`pairwiseDistances on native matches float64 loops on every path and thread count (${label}: odd sizes, d not a multiple of the vector width, far from the origin)`, { skip }, () => {
    for (const [n, m, d, centre] of [
      [13, 37, 17, 0],
      [1, 1, 1, 0],
      [9, 70, 3, 0],
      [41, 23, 129, 0],
      [33, 19, 16, 1e4],
      [17, 29, 5, label === 'float64' ? 1e8 : 1e4],
    ] as const) {
      const x = pointsOf(n * d, n + d, centre, 2, array);
      const y = pointsOf(m * d, m + d + 1, centre, 2, array);
      // Row 0 of y repeats row n - 1 of x: the distance must be exactly 0, not cancellation noise.
      y.set(x.subarray((n - 1) * d, n * d), 0);
      const expected = squared(x, y, n, m, d);
      for (const { name, hp } of natives) {
        hp.scope(() => {
          const tx = hp.tensor(x, [n, d]);
          const ty = hp.tensor(y, [m, d]);
          const sq = hp.pairwiseDistances(tx, ty).toArray() as Float32Array | Float64Array;
          const what = `${name}, [${n},${d}] x [${m},${d}] around ${centre}`;
          assert.ok(worstRelative(sq, expected) <= limit, `${what}: sqeuclidean worst ${worstRelative(sq, expected)}`);
          assert.equal(sq[(n - 1) * m], 0, `${what}: identical rows`);
          const eu = hp.pairwiseDistances(tx, ty, { metric: 'euclidean' }).toArray() as Float32Array | Float64Array;
          const roots = expected.map(Math.sqrt);
          assert.ok(worstRelative(eu, roots) <= limit, `${what}: euclidean worst ${worstRelative(eu, roots)}`);
        });
      }
    }
    for (const { hp } of natives) {
      assert.deepEqual(Object.keys(hp.stats().kernels.pairwiseDistances!.backends), ['native']);
    }
  });
}

/** cosine distance and dot product in float64, and sum |x_p y_p| (the scale of dot's rounding). */
function similarities(x: ArrayLike<number>, y: ArrayLike<number>, n: number, m: number, d: number): { cosine: Float64Array; dot: Float64Array; scale: Float64Array } {
  const cosine = new Float64Array(n * m);
  const dot = new Float64Array(n * m);
  const scale = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let xy = 0;
      let xx = 0;
      let yy = 0;
      let abs = 0;
      for (let p = 0; p < d; p++) {
        xy += x[i * d + p]! * y[j * d + p]!;
        xx += x[i * d + p]! ** 2;
        yy += y[j * d + p]! ** 2;
        abs += Math.abs(x[i * d + p]! * y[j * d + p]!);
      }
      cosine[i * m + j] = xx === 0 || yy === 0 ? 1 : Math.min(2, Math.max(0, 1 - xy / Math.sqrt(xx * yy)));
      dot[i * m + j] = xy;
      scale[i * m + j] = abs;
    }
  }
  return { cosine, dot, scale };
}

for (const [label, array, eps] of [
  ['float32', Float32Array, 2 ** -23],
  ['float64', Float64Array, 2 ** -52],
] as const) {
  test(`pairwiseDistances on native: cosine and dot match float64 loops on every path and thread count (${label}, zero rows)`, { skip }, () => {
    for (const [n, m, d] of [
      [13, 37, 17],
      [9, 70, 3],
      [41, 23, 129],
    ] as const) {
      const x = pointsOf(n * d, n + d + 2, 0, 2, array);
      const y = pointsOf(m * d, m + d + 3, 0, 2, array);
      // A zero row in each set: at cosine distance 1 from everything, itself included.
      x.fill(0, 0, d);
      y.fill(0, d, 2 * d);
      const expected = similarities(x, y, n, m, d);
      // The kernel's declared bound: 8 (d + 2) eps, absolute for cosine, relative to sum |x y| for dot.
      const limit = 8 * (d + 2) * eps;
      for (const { name, hp } of natives) {
        hp.scope(() => {
          const tx = hp.tensor(x, [n, d]);
          const ty = hp.tensor(y, [m, d]);
          const cos = hp.pairwiseDistances(tx, ty, { metric: 'cosine' }).toArray() as Float32Array | Float64Array;
          const dot = hp.pairwiseDistances(tx, ty, { metric: 'dot' }).toArray() as Float32Array | Float64Array;
          let worstCos = 0;
          let worstDot = 0;
          expected.cosine.forEach((e, i) => {
            worstCos = Math.max(worstCos, Math.abs(cos[i]! - e));
            worstDot = Math.max(worstDot, Math.abs(dot[i]! - expected.dot[i]!) / Math.max(expected.scale[i]!, Number.MIN_VALUE));
          });
          const what = `${name}, [${n},${d}] x [${m},${d}]`;
          assert.ok(worstCos <= limit, `${what}: cosine worst ${worstCos}`);
          assert.ok(worstDot <= limit, `${what}: dot worst ${worstDot}`);
          assert.equal(cos[0], 1, `${what}: zero row`);
          assert.equal(cos[1], 1, `${what}: zero row against zero row`);
        });
      }
    }
  });
}

test('pairwiseDistances on native: 10000 and 10001 are exactly 1 apart (float32)', { skip }, () => {
  const x = Float32Array.from([10000, 10000, 10001, 10000, 10000, 10002, 10003, 9999]);
  const y = Float32Array.from([10001, 10000, 10000, 10000, 10001, 10001]);
  const expected = Array.from(squared(x, y, 4, 3, 2));
  assert.deepEqual(expected.slice(0, 3), [1, 0, 2]);
  for (const { name, hp } of natives) {
    hp.scope(() => {
      const got = hp.pairwiseDistances(hp.tensor(x, [4, 2]), hp.tensor(y, [3, 2]));
      assert.deepEqual(Array.from(got.toArray() as Float32Array), expected, name);
    });
  }
});

test('pairwiseDistances on native: col-major and strided views, NaN, and empty sets', { skip }, () => {
  const data = pointsOf(8 * 6, 3, 0, 2, Float32Array);
  const big = pointsOf(12 * 14, 4, 0, 2, Float32Array);
  for (const { name, hp } of natives) {
    hp.scope(() => {
      const colX = hp.tensor(data, [8, 6], { layout: 'col' });
      const stridedY = hp.tensor(big, [12, 14]).slice([1, 12, 2], [2, 14, 2]);
      const xs = Array.from(colX.toArray() as Float32Array);
      const ys = Array.from(stridedY.toArray() as Float32Array);
      const got = hp.pairwiseDistances(colX, stridedY).toArray() as Float32Array;
      assert.ok(worstRelative(got, squared(xs, ys, 8, 6, 6)) <= 1e-5, `${name}: strided`);
      const nan = hp.pairwiseDistances(hp.tensor(Float32Array.from([Number.NaN, 0, 1, 1]), [2, 2]), hp.tensor(Float32Array.from([0, 0]), [1, 2])).toArray();
      assert.ok(Number.isNaN(nan[0]) && nan[1] === 2, `${name}: NaN stays NaN, its neighbour is unharmed`);
      // cosine: a zero row is at distance 1 whatever the other holds, NaN included (as on ref).
      const zeroVsNan = hp.pairwiseDistances(hp.tensor(Float32Array.from([0, 0, 1, 1]), [2, 2]), hp.tensor(Float32Array.from([Number.NaN, 1]), [1, 2]), { metric: 'cosine' }).toArray();
      assert.ok(zeroVsNan[0] === 1 && Number.isNaN(zeroVsNan[1]), `${name}: cosine of a zero row and a NaN row`);
      assert.deepEqual(hp.pairwiseDistances(hp.tensor(new Float32Array(0), [0, 3]), hp.tensor(new Float32Array(6), [2, 3])).shape, [0, 2]);
    });
  }
});

test('pairwiseDistances on native declines manhattan with the reason; wasm runs it', { skip, timeout: 60_000 }, async () => {
  const hp = await createRuntime({ threads: 1 });
  hp.scope(() => {
    const x = hp.tensor(pointsOf(6, 5, 0, 2, Float32Array), [3, 2]);
    for (const metric of ['cosine', 'dot', 'manhattan'] as const) {
      hp.pairwiseDistances(x, x, { metric });
    }
    hp.pairwiseDistances(x, x);
  });
  const stats = hp.stats().kernels.pairwiseDistances!;
  assert.deepEqual(stats.backends, { wasm: 1, native: 3 });
  hp.scope(() => {
    const why = hp.explain('pairwiseDistances', [hp.zeros([2, 2]), hp.zeros([2, 2])], { metric: 'manhattan' });
    assert.equal(why.backend, 'wasm');
    assert.match(why.passed.find((p) => p.backend === 'native')?.reason ?? '', /manhattan runs elsewhere/);
  });
  await hp.close();
});
