/**
 * hp.pairwiseDistances against a float64 reference written here as plain loops: every metric on
 * ref and wasm, points far from the origin, col-major and strided inputs, zero rows, empty sets
 * and coded errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime, type Metric, type Runtime, type RuntimeOptions, type Tensor } from '../../src/index.js';
import { assertCode, eachRuntime, uniformValues, values } from '../helpers.js';

const METRICS: readonly Metric[] = ['sqeuclidean', 'euclidean', 'cosine', 'dot', 'manhattan'];

const RUNTIMES: readonly { name: string; options: RuntimeOptions }[] = [
  { name: 'ref', options: { backends: ['ref'] } },
  // require: no silent fallback to ref; parallelThreshold 0 splits even small calls across threads.
  { name: 'wasm', options: { backends: ['wasm'], require: 'wasm', threads: 2, parallelThreshold: 0 } },
];



/** Rows of a tensor as float64 arrays (the values it holds, whatever its layout). */
function rowsOf(t: Tensor): number[][] {
  const flat = Array.from(t.toArray() as Float32Array);
  const [n, d] = t.shape as [number, number];
  return Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d));
}

/** The definition of each metric (scikit-learn's meaning), in float64. */
function reference(metric: Metric, x: number[][], y: number[][]): number[][] {
  return x.map((a) =>
    y.map((b) => {
      let sq = 0;
      let abs = 0;
      let dot = 0;
      let aa = 0;
      let bb = 0;
      a.forEach((v, p) => {
        sq += (v - b[p]!) ** 2;
        abs += Math.abs(v - b[p]!);
        dot += v * b[p]!;
        aa += v * v;
        bb += b[p]! * b[p]!;
      });
      switch (metric) {
        case 'sqeuclidean':
          return sq;
        case 'euclidean':
          return Math.sqrt(sq);
        case 'manhattan':
          return abs;
        case 'dot':
          return dot;
        case 'cosine':
          return aa === 0 || bb === 0 ? 1 : Math.min(2, Math.max(0, 1 - dot / Math.sqrt(aa * bb)));
      }
    }),
  );
}

/** Largest error, relative to |expected| (cosine: absolute; dot: relative to sum |a b|). */
function worstError(metric: Metric, got: Tensor, x: number[][], y: number[][]): number {
  const expected = reference(metric, x, y);
  const scale = metric === 'dot' ? reference('dot', x.map((r) => r.map(Math.abs)), y.map((r) => r.map(Math.abs))) : expected;
  const flat = Array.from(got.toArray() as Float32Array);
  assert.deepEqual(got.shape, [x.length, y.length]);
  let worst = 0;
  expected.forEach((row, i) =>
    row.forEach((e, j) => {
      const denominator = metric === 'cosine' ? 1 : Math.abs(scale[i]![j]!);
      const err = Math.abs(flat[i * y.length + j]! - e);
      worst = Math.max(worst, denominator === 0 ? err * 1e30 : err / denominator);
    }),
  );
  return worst;
}

const centred = (n: number, seed: number): Float32Array => Float32Array.from(uniformValues(n, seed), (v) => v * 2 - 1);

eachRuntime(RUNTIMES, 'every metric matches the float64 definition (float32)', (hp, name) => {
  const x = hp.tensor(centred(9 * 7, 1), [9, 7]);
  const y = hp.tensor(centred(5 * 7, 2), [5, 7]);
  for (const metric of METRICS) {
    const err = worstError(metric, hp.pairwiseDistances(x, y, { metric }), rowsOf(x), rowsOf(y));
    assert.ok(err <= 1e-5, `${metric}: worst error ${err}`);
  }
  assert.equal(hp.pairwiseDistances(x, y).dtype, 'float32');
  assert.deepEqual(Object.keys(hp.stats().kernels.pairwiseDistances!.backends), [name]);
});

test('every metric matches the float64 definition (float64, ref)', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const x = hp.tensor(Float64Array.from(centred(6 * 5, 3)), [6, 5]);
  const y = hp.tensor(Float64Array.from(centred(4 * 5, 4)), [4, 5]);
  for (const metric of METRICS) {
    const got = hp.pairwiseDistances(x, y, { metric });
    assert.equal(got.dtype, 'float64');
    const err = worstError(metric, got, rowsOf(x), rowsOf(y));
    assert.ok(err <= 1e-12, `${metric}: worst error ${err}`);
  }
  await hp.close();
});

eachRuntime(RUNTIMES, 'far from the origin: 10000 and 10001 are exactly 1 apart', (hp) => {
  // Squared distances of small integers are exact in float32, so no tolerance: the GEMM form
  // |x|^2 - 2 x.y + |y|^2 would give 0 or 2 here (1e8 has an ulp of 8 in float32).
  const x = hp.tensor(Float32Array.from([10000, 10000, 10001, 10000, 10000, 10002, 10003, 9999]), [4, 2]);
  const y = hp.tensor(Float32Array.from([10001, 10000, 10000, 10000, 10001, 10001]), [3, 2]);
  const expected = reference('sqeuclidean', rowsOf(x), rowsOf(y)).flat();
  assert.deepEqual(expected.slice(0, 3), [1, 0, 2]);
  assert.deepEqual(values(hp.pairwiseDistances(x, y)), expected);
  assert.deepEqual(values(hp.pairwiseDistances(x, y, { metric: 'euclidean' })), expected.map(Math.sqrt).map(Math.fround));
  const one = hp.pairwiseDistances(hp.tensor(Float32Array.from([10000]), [1, 1]), hp.tensor(Float32Array.from([10001]), [1, 1]));
  assert.equal(one.item(), 1);
});

eachRuntime(RUNTIMES, 'random points near 1e4 in 16-D stay within 1e-5 of float64', (hp) => {
  const near = (n: number, seed: number): Float32Array => Float32Array.from(uniformValues(n * 16, seed), (v) => 1e4 + (v * 2 - 1));
  const xs = near(40, 5);
  const x = hp.tensor(xs, [40, 16]);
  // Row 0 of y repeats row 3 of x: its distance must be exactly 0, not cancellation noise.
  const ys = near(30, 6);
  ys.set(xs.subarray(3 * 16, 4 * 16), 0);
  const y = hp.tensor(ys, [30, 16]);
  for (const metric of ['sqeuclidean', 'euclidean', 'manhattan', 'cosine'] as const) {
    const got = hp.pairwiseDistances(x, y, { metric });
    if (metric !== 'cosine') {
      assert.equal(got.get(3, 0), 0, `${metric}: identical rows`);
    }
    const err = worstError(metric, got, rowsOf(x), rowsOf(y));
    assert.ok(err <= 1e-5, `${metric}: worst error ${err}`);
  }
});

eachRuntime(RUNTIMES, 'col-major, transposed and strided inputs match the same reference', (hp) => {
  const data = centred(8 * 6, 7);
  const colX = hp.tensor(data, [8, 6], { layout: 'col' });
  const transposedX = hp.tensor(data, [6, 8]).transpose();
  const big = hp.tensor(centred(12 * 14, 8), [12, 14]);
  const stridedY = big.slice([1, 12, 2], [2, 14, 2]); // [6, 6], both strides > 1, offset > 0
  assert.deepEqual(stridedY.shape, [6, 6]);
  for (const x of [colX, transposedX]) {
    for (const metric of METRICS) {
      const err = worstError(metric, hp.pairwiseDistances(x, stridedY, { metric }), rowsOf(x), rowsOf(stridedY));
      assert.ok(err <= 1e-5, `${x.toString()} x ${stridedY.toString()} ${metric}: worst error ${err}`);
    }
  }
});

eachRuntime(RUNTIMES, 'cosine: a zero row is at distance 1 from everything', (hp) => {
  const x = hp.tensor(Float32Array.from([0, 0, 0, 1, 2, 3]), [2, 3]);
  const y = hp.tensor(Float32Array.from([4, 5, 6, 0, 0, 0, -1, 0, 0]), [3, 3]);
  const got = Array.from(hp.pairwiseDistances(x, y, { metric: 'cosine' }).toArray() as Float32Array);
  assert.deepEqual([got[0], got[1], got[2], got[4]], [1, 1, 1, 1]);
  const expected = reference('cosine', rowsOf(x), rowsOf(y)).flat();
  got.forEach((v, e) => assert.ok(Math.abs(v - expected[e]!) <= 1e-6, `${e}: ${v} vs ${expected[e]}`));
});

eachRuntime(RUNTIMES, 'no rows on either side gives an empty result', (hp) => {
  const none = hp.tensor(new Float32Array(0), [0, 3]);
  const some = hp.tensor(centred(4 * 3, 9), [4, 3]);
  for (const metric of METRICS) {
    assert.deepEqual(hp.pairwiseDistances(none, some, { metric }).shape, [0, 4]);
    assert.deepEqual(hp.pairwiseDistances(some, none, { metric }).shape, [4, 0]);
  }
});

eachRuntime(RUNTIMES, 'bad input gives coded errors', (hp) => {
  const x = hp.tensor(centred(4 * 3, 10), [4, 3]);
  assertCode(() => hp.pairwiseDistances(hp.tensor(centred(3, 11)), x), 'SHAPE', 'rank 2');
  assertCode(() => hp.pairwiseDistances(x, hp.tensor(centred(8, 12), [2, 4])), 'SHAPE', 'different numbers of features');
  assertCode(() => hp.pairwiseDistances(x, x, { metric: 'chebyshev' as Metric }), 'ARGUMENT', 'unknown metric');
  assertCode(() => hp.pairwiseDistances(x, hp.tensor(Float64Array.from(centred(6, 13)), [2, 3])), 'DTYPE', 'different dtypes');
  assertCode(() => hp.pairwiseDistances(hp.tensor(Int32Array.from([1, 2, 3]), [1, 3]), hp.tensor(Int32Array.from([1, 2, 3]), [1, 3])), 'DTYPE', 'int32');
});

test('wasm: Euclidean distances whose squares overflow float32 stay finite, squared ones overflow as on ref, and cosine of a zero row is 1 against NaN / Infinity rows (issue 8)', async () => {
  // verify: true runs ref beside wasm and throws MISMATCH beyond the declared tolerance.
  const hp = await createRuntime({ backends: ['wasm', 'ref'], require: 'wasm', threads: 2, parallelThreshold: 0, verify: true });
  // d = 4: the fused GEMM epilogue (full 4x8 tiles and edge tiles); d = 300: the unfused finish.
  for (const [n, m, d, scale] of [[9, 11, 4, 1e37], [5, 6, 300, 1e36]] as const) {
    const x = uniformValues(n * d, 11).map((v) => Math.fround(v * scale));
    const y = uniformValues(m * d, 12).map((v) => Math.fround(v * scale * 0.5));
    const sums = Array.from({ length: n * m }, (_, e) => {
      let sum = 0;
      for (let p = 0; p < d; p++) {
        sum += (x[Math.floor(e / m) * d + p]! - y[(e % m) * d + p]!) ** 2;
      }
      return sum;
    });
    hp.scope(() => {
      const [tx, ty] = [hp.tensor(Float32Array.from(x), [n, d]), hp.tensor(Float32Array.from(y), [m, d])];
      const euclidean = Array.from(hp.pairwiseDistances(tx, ty, { metric: 'euclidean' }).toArray() as Float32Array);
      euclidean.forEach((v, e) => {
        const expected = Math.sqrt(sums[e]!);
        assert.ok(Math.abs(v - expected) <= 1e-6 * expected, `d=${d} euclidean entry ${e}: ${v}, expected ${expected}`);
      });
      const squared = Array.from(hp.pairwiseDistances(tx, ty, { metric: 'sqeuclidean' }).toArray() as Float32Array);
      assert.deepEqual(squared, sums.map((s) => Math.fround(s)), `d=${d} sqeuclidean: Infinity where float32 overflows`);
    });
  }
  const x = hp.tensor([0, 0, 0, 0, 1, 2, 3, 4], [2, 4]);
  const y = hp.tensor([NaN, 1, 1, 1, Infinity, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, -Infinity, NaN, 0, 0], [5, 4]);
  const cosine = Array.from(hp.pairwiseDistances(x, y, { metric: 'cosine' }).toArray() as Float32Array);
  // scikit-learn: a zero row normalizes to zero, so its similarity to anything is 0 (distance 1);
  // otherwise NaN / Infinity make the similarity NaN.
  assert.deepEqual(cosine.map((v, e) => (e === 8 ? 'ordinary' : v)), [1, 1, 1, 1, 1, NaN, NaN, 1, 'ordinary', NaN]);
  assert.ok(Math.abs(cosine[8]! - (1 - 10 / (Math.sqrt(30) * 2))) < 1e-6, `cosine of [1,2,3,4] and [1,1,1,1]: ${cosine[8]}`);
  assert.equal(hp.stats().kernels.pairwiseDistances?.verified, 5);
  await hp.close();
});
