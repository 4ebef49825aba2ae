/**
 * Plain TypeScript baselines of the userKernels benchmark that have no example in examples/
 * yet: what a user has before hotpath, written the usual way over Float32Array (float64
 * arithmetic in JS numbers, a fresh output per call, nothing deliberately slow). The other
 * baselines are the functions the examples are ported from (examples/huber.ts huberLoss,
 * examples/haversine.ts haversineMatrix, examples/robustScale.ts zScoreRows).
 * test/unit/userKernelBaselines.test.ts holds all of them to independent float64 computations.
 */
import { fail } from '../../src/errors.js';

function need(kernel: string, what: string, expected: number, received: number): void {
  if (expected !== received) {
    fail({ code: 'SHAPE', kernel, problem: `${what} does not match`, expected: String(expected), received: String(received) });
  }
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
