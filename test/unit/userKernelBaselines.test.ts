/**
 * The userKernels benchmark's contenders compute what they claim: the plain TypeScript functions
 * that examples/ are ported from, and their gpu.js ports on its webasm backend, sync and threaded
 * (bench/userKernels/gpujs.ts), against float64 computations written differently here (Huber as
 * min/max, haversine as the chord between unit vectors, the variance as E[x^2] - mean^2, the
 * assignment as argmin over a full distance table) and a few hand-checked values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backendOf, gpuAssign, gpuHaversine, gpuHuber, gpuZScore, HUBER_BLOCK, loadGpuJs, webasmGpu, type GpuJs, type GpuJsMode } from '../../bench/userKernels/gpujs.js';
import { assignManhattan } from '../../examples/kmeansManhattan.js';
import { haversineMatrix } from '../../examples/haversine.js';
import { huberLoss } from '../../examples/huber.js';
import { zScoreRows } from '../../examples/robustScale.js';
import { codeOf, lcg } from '../helpers.js';

/** Earth's mean radius (km), the examples' default. */
const EARTH_RADIUS_KM = 6371;

/** Uniform float32 values in [lo, hi). */
function uniform(count: number, seed: number, lo: number, hi: number): Float32Array {
  const next = lcg(seed);
  return Float32Array.from({ length: count }, () => lo + (hi - lo) * next());
}

function huber64(pred: Float32Array, target: Float32Array, delta: number): number {
  let sum = 0;
  for (let i = 0; i < pred.length; i++) {
    const a = Math.abs(pred[i]! - target[i]!);
    sum += 0.5 * Math.min(a, delta) ** 2 + delta * Math.max(a - delta, 0);
  }
  return sum;
}

/** Great-circle distance from the chord |p1 - p2| between unit vectors: 2 R asin(chord / 2). */
function chordDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const unit = (lat: number, lon: number): number[] => [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
  const [p, q] = [unit(lat1, lon1), unit(lat2, lon2)];
  const chord = Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!);
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, chord / 2));
}

function haversine64(lat1: Float32Array, lon1: Float32Array, lat2: Float32Array, lon2: Float32Array): Float64Array {
  const m = lat2.length;
  return Float64Array.from({ length: lat1.length * m }, (_, k) => {
    const [i, j] = [Math.floor(k / m), k % m];
    return chordDistance(lat1[i]!, lon1[i]!, lat2[j]!, lon2[j]!);
  });
}

function zScore64(x: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
    const mean = row.reduce((s, v) => s + v, 0) / cols;
    const variance = row.reduce((s, v) => s + v * v, 0) / cols - mean * mean;
    row.forEach((v, c) => (out[r * cols + c] = (v - mean) / Math.sqrt(variance + 1e-6)));
  }
  return out;
}

/** Every weighted squared distance, [n][k], in float64. */
/** Every point's L1 distance to every centroid, in float64. */
function distanceTable(points: Float32Array, centroids: Float32Array, d: number): number[][] {
  return Array.from({ length: points.length / d }, (_, i) =>
    Array.from({ length: centroids.length / d }, (_, j) => {
      let s = 0;
      for (let f = 0; f < d; f++) {
        s += Math.abs(points[i * d + f]! - centroids[j * d + f]!);
      }
      return s;
    }));
}

/** max |out - ref| / max |ref|. */
function relativeToLargest(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  assert.equal(out.length, ref.length);
  let [worst, largest] = [0, 0];
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(worst, Math.abs(out[i]! - ref[i]!));
    largest = Math.max(largest, Math.abs(ref[i]!));
  }
  return worst / largest;
}

function flat(rows: readonly Float32Array[]): number[] {
  return rows.flatMap((r) => Array.from(r));
}

/** count points over the whole sphere: latitudes and longitudes in radians. */
function sphere(count: number, seed: number): [Float32Array, Float32Array] {
  return [uniform(count, seed, -Math.PI / 2, Math.PI / 2), uniform(count, seed + 1, -Math.PI, Math.PI)];
}

/** haversineMatrix of one pair of points. */
function oneDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return haversineMatrix(Float32Array.of(lat1), Float32Array.of(lon1), Float32Array.of(lat2), Float32Array.of(lon2))[0]!;
}

describe('plain TypeScript baselines', () => {
  test('huberLoss: hand values for delta 1 and 2, and the min/max form on random residuals', () => {
    const pred = Float32Array.of(0, 3, -1, 2.5);
    const target = Float32Array.of(0.5, 0, 0, 0);
    // r = -0.5, 3, -1, 2.5: 0.125 + 2.5 + 0.5 (the boundary, quadratic) + 2.0.
    assert.equal(huberLoss(pred, target), 5.125);
    // delta 2: 0.125 + 2 (3 - 1) + 0.5 + 2 (2.5 - 1) = 7.625.
    assert.equal(huberLoss(pred, target, 2), 7.625);
    const p = uniform(10_000, 1, -4, 4);
    const t = uniform(10_000, 2, -4, 4);
    const expected = huber64(p, t, 1);
    assert.ok(Math.abs(huberLoss(p, t) - expected) <= 1e-12 * expected, `${huberLoss(p, t)} vs ${expected}`);
  });

  test('haversineMatrix: a quarter of the equator, pole to pole, a point to itself (float32 out)', () => {
    const quarter = (Math.PI * EARTH_RADIUS_KM) / 2;
    assert.ok(Math.abs(oneDistance(0, 0, 0, Math.PI / 2) - quarter) <= 1e-6 * quarter);
    assert.ok(Math.abs(oneDistance(Math.PI / 2, 0, -Math.PI / 2, 1) - 2 * quarter) <= 1e-6 * quarter);
    assert.equal(oneDistance(0.3, -1.2, 0.3, -1.2), 0);
  });

  test('haversineMatrix: [7] x [9] points match the chord form', () => {
    const [lat1, lon1] = sphere(7, 3);
    const [lat2, lon2] = sphere(9, 5);
    const out = haversineMatrix(lat1, lon1, lat2, lon2);
    assert.equal(out.length, 63);
    assert.ok(relativeToLargest(out, haversine64(lat1, lon1, lat2, lon2)) < 1e-7);
  });

  test('zScoreRows: matches the one-pass variance form; a constant row maps to zeros', () => {
    const [rows, cols] = [5, 40];
    const x = uniform(rows * cols, 5, 90, 110);
    x.fill(7.5, 2 * cols, 3 * cols);
    const out = zScoreRows(x, rows, cols);
    assert.ok(relativeToLargest(out, zScore64(x, rows, cols)) < 1e-6);
    assert.deepEqual(Array.from(out.subarray(2 * cols, 3 * cols)), new Array<number>(cols).fill(0));
  });

  test('assignManhattan: argmin of the full L1 distance table; ties go to the lower index', () => {
    assert.deepEqual(Array.from(assignManhattan(Float32Array.of(0, 9), Float32Array.of(1, 8), 1)), [0, 1]);
    // Point 0.5 is equally far from 1 and 0.
    assert.deepEqual(Array.from(assignManhattan(Float32Array.of(0.5), Float32Array.of(1, 0), 1)), [0]);
    const points = uniform(200 * 6, 7, -1, 1);
    const centroids = uniform(8 * 6, 8, -1, 1);
    const expected = distanceTable(points, centroids, 6).map((row) => row.indexOf(Math.min(...row)));
    assert.deepEqual(Array.from(assignManhattan(points, centroids, 6)), expected);
  });
});

describe('gpu.js webasm ports', () => {
  let lib: GpuJs;
  before(async () => {
    lib = (await loadGpuJs()).lib;
  });
  // Threaded runs split only outputs of >= 4096 cells, so those cases are at least that large.
  const modes: [string, GpuJsMode][] = [['sync', { threaded: false, poolSize: 1 }], ['threaded', { threaded: true, poolSize: 2 }]];
  for (const [label, mode] of modes) {
    describe(label, () => {
      const gpus: { destroy(): Promise<void> }[] = [];
      const gpu = () => {
        const g = webasmGpu(lib);
        gpus.push(g);
        return g;
      };
      after(async () => {
        for (const g of gpus) {
          await g.destroy();
        }
      });
      const path = mode.threaded ? 'webasm threaded' : 'webasm simd';

      test('huber: 4096 blocks against the min/max form; a size that is not whole blocks is an ARGUMENT error', async () => {
        const n = 4096 * HUBER_BLOCK;
        const [p, t] = [uniform(n, 11, -4, 4), uniform(n, 12, -4, 4)];
        const h = gpuHuber(gpu(), mode, n);
        const expected = huber64(p, t, 1);
        const got = await h.call(p, t);
        assert.ok(Math.abs(got - expected) <= 1e-5 * expected, `${got} vs ${expected}`);
        assert.equal(backendOf(h.kernel), path);
        assert.equal(codeOf(() => gpuHuber(gpu(), mode, HUBER_BLOCK + 1)), 'ARGUMENT');
      });

      test('haversine: [64] x [80] points against the chord form', async () => {
        const [lat1, lon1] = sphere(64, 13);
        const [lat2, lon2] = sphere(80, 15);
        const g = gpuHaversine(gpu(), mode, 64, 80);
        assert.ok(relativeToLargest(flat(await g.call(lat1, lon1, lat2, lon2)), haversine64(lat1, lon1, lat2, lon2)) < 5e-5);
        assert.equal(backendOf(g.kernel), path);
      });

      test('zscore: [64, 80] against the one-pass variance form', async () => {
        const x = uniform(64 * 80, 17, 90, 110);
        const g = gpuZScore(gpu(), mode, 64, 80);
        assert.ok(relativeToLargest(flat(await g.call(x)), zScore64(x, 64, 80)) < 1e-4);
        assert.equal(backendOf(g.kernels[2]!), path);
      });

      test('assign: 4096 points, each label is a nearest centroid in float64 (to 1e-5 relative)', async () => {
        const points = uniform(4096 * 8, 19, -1, 1);
        const centroids = uniform(16 * 8, 20, -1, 1);
        const g = gpuAssign(gpu(), mode, 4096, 16, 8);
        const labels = await g.call(points, centroids);
        distanceTable(points, centroids, 8).forEach((row, i) => {
          const best = Math.min(...row);
          const label = labels[i]!;
          assert.ok(Number.isInteger(label) && label >= 0 && label < 16, `label ${label}`);
          assert.ok(row[label]! <= best * (1 + 1e-5), `point ${i}: label ${label} at ${row[label]}, nearest ${best}`);
        });
        assert.equal(backendOf(g.kernel), path);
      });
    });
  }
});
