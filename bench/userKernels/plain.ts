/**
 * The plain TypeScript functions that issue 9's example user kernels are ported from: what a
 * user has before hotpath, written the usual way over Float32Array (float64 arithmetic in JS
 * numbers, a fresh output per call, loop-invariant values hoisted, nothing deliberately slow).
 * `npm run bench` (bench/userKernels.ts) measures every port against these, and
 * test/unit/userKernelBaselines.test.ts holds them to an independent float64 computation.
 *
 * Each checks its sizes once, outside the loop, and throws HotpathError SHAPE on a mismatch.
 */
import { fail } from '../../src/errors.js';

/** Earth's mean radius (km), the R of the haversine formula. */
export const EARTH_RADIUS_KM = 6371;
/** Added to the variance before the square root in zScoreRows: a constant row maps to 0, not NaN. */
export const ZSCORE_EPSILON = 1e-6;

function need(kernel: string, what: string, expected: number, received: number): void {
  if (expected !== received) {
    fail({ code: 'SHAPE', kernel, problem: `${what} does not match`, expected: String(expected), received: String(received) });
  }
}

/**
 * Sum over i of the Huber loss h(pred[i] - target[i]): h(r) = r^2 / 2 where |r| <= delta, else
 * delta (|r| - delta / 2). Accumulated in float64.
 *
 * @example huberSum(Float32Array.of(0, 3), Float32Array.of(0.5, 0)) // 0.125 + 2.5 = 2.625
 * @throws HotpathError SHAPE when pred and target differ in length.
 */
export function huberSum(pred: Float32Array, target: Float32Array, delta = 1): number {
  need('huberSum', 'target length', pred.length, target.length);
  let sum = 0;
  for (let i = 0; i < pred.length; i++) {
    const r = pred[i]! - target[i]!;
    const a = Math.abs(r);
    sum += a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
  }
  return sum;
}

/**
 * Great-circle distance (km) between two points given as latitude and longitude in radians:
 * 2 R asin(sqrt(sin^2(dLat / 2) + cos(lat1) cos(lat2) sin^2(dLon / 2))), the argument of asin
 * clamped at 1 (rounding can push it past 1 for antipodal points).
 *
 * @example haversine(0, 0, 0, Math.PI / 2) // a quarter of the equator: 10007.5 km
 */
export function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const sLat = Math.sin((lat2 - lat1) / 2);
  const sLon = Math.sin((lon2 - lon1) / 2);
  const h = sLat * sLat + Math.cos(lat1) * Math.cos(lat2) * sLon * sLon;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Distance matrix (km) between n points `a` and m points `b`, each given as interleaved
 * (lat, lon) pairs in radians: out[i * m + j] = haversine(a_i, b_j), float32 [n, m].
 *
 * @example haversineMatrix(Float32Array.of(0, 0), Float32Array.of(0, 0, 0, Math.PI)) // [0, 20015.1]
 * @throws HotpathError SHAPE when a length is odd.
 */
export function haversineMatrix(a: Float32Array, b: Float32Array): Float32Array {
  need('haversineMatrix', 'a length parity (lat, lon pairs)', 0, a.length % 2);
  need('haversineMatrix', 'b length parity (lat, lon pairs)', 0, b.length % 2);
  const n = a.length / 2;
  const m = b.length / 2;
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const lat1 = a[2 * i]!;
    const lon1 = a[2 * i + 1]!;
    for (let j = 0; j < m; j++) {
      out[i * m + j] = haversine(lat1, lon1, b[2 * j]!, b[2 * j + 1]!);
    }
  }
  return out;
}

/**
 * Each row of a row-major [rows, cols] matrix scaled to zero mean and unit variance:
 * (x - mean) / sqrt(var + 1e-6), with the population variance (divided by cols), two passes.
 *
 * @example zScoreRows(Float32Array.of(1, 3), 1, 2) // [-1, 1] (to ~5e-7)
 * @throws HotpathError SHAPE when x does not hold rows * cols values.
 */
export function zScoreRows(x: Float32Array, rows: number, cols: number): Float32Array {
  need('zScoreRows', 'x length (rows * cols)', rows * cols, x.length);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      sum += x[start + c]!;
    }
    const mean = sum / cols;
    let squares = 0;
    for (let c = 0; c < cols; c++) {
      const d = x[start + c]! - mean;
      squares += d * d;
    }
    const scale = 1 / Math.sqrt(squares / cols + ZSCORE_EPSILON);
    for (let c = 0; c < cols; c++) {
      out[start + c] = (x[start + c]! - mean) * scale;
    }
  }
  return out;
}

/**
 * The assignment step of a custom k-means: for each of the n points (rows of a row-major
 * [n, d] matrix) the index of the nearest of k centroids ([k, d]) by weighted squared
 * Euclidean distance, sum over f of w[f] (x[f] - c[f])^2. Ties go to the lower index.
 *
 * d is weights.length (one weight per feature).
 *
 * @example assignNearest(Float32Array.of(0, 9), Float32Array.of(1, 8), Float32Array.of(1)) // Int32Array [0, 1]
 * @throws HotpathError SHAPE when a length is not a multiple of d.
 */
export function assignNearest(points: Float32Array, centroids: Float32Array, weights: Float32Array): Int32Array {
  const d = weights.length;
  need('assignNearest', 'points length remainder modulo d', 0, points.length % d);
  need('assignNearest', 'centroids length remainder modulo d', 0, centroids.length % d);
  const n = points.length / d;
  const k = centroids.length / d;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * d;
    let best = Number.POSITIVE_INFINITY;
    let bestJ = 0;
    for (let j = 0; j < k; j++) {
      const c = j * d;
      let dist = 0;
      for (let f = 0; f < d; f++) {
        const diff = points[p + f]! - centroids[c + f]!;
        dist += weights[f]! * diff * diff;
      }
      if (dist < best) {
        best = dist;
        bestJ = j;
      }
    }
    labels[i] = bestJ;
  }
  return labels;
}
