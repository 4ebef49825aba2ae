/**
 * The native backend's pairwiseDistances on every path this CPU runs ('avx512', 'avx2', 'scalar')
 * and on 1 and 2 threads (every call split), against float64 loops written here: odd sizes, d not
 * a multiple of the vector width, points far from the origin, float32 and float64, every metric
 * native runs (manhattan declined with the reason). Skipped, with the reason, where the addon is
 * not built. lloyd and hamerly: nativeLloyd.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRuntime } from '../../src/index.js';
import { lcg } from '../helpers.js';
import { nativeSkip } from '../native.js';
import { closeNatives, openNatives, type NativeRuntime } from '../nativeRuntimes.js';

const skip = nativeSkip ?? false;

let natives: NativeRuntime[] = [];

before(async () => {
  natives = await openNatives();
});

after(async () => {
  await closeNatives(natives);
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
