/**
 * A custom k-means: hotpath's k-means loop (init, float64 centroid means, convergence, nInit)
 * with the assignment step under the Manhattan (L1) distance, a pairwise kernel:
 * `hp.kmeans(points, { k, distance: manhattan })` once `await hp.load(manhattan)`.
 *
 * The hot loop it replaces is `assignManhattan`, the assignment step of a plain k-means.
 */
import { pairwise, type f32 } from '../src/kernel/index.js';

/** The function this kernel was ported from: the nearest centroid of each point (first on ties). */
export function assignManhattan(points: Float32Array, centroids: Float32Array, d: number): Int32Array {
  const n = points.length / d;
  const k = centroids.length / d;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let p = 0; p < d; p++) {
        sum += Math.abs(points[i * d + p]! - centroids[j * d + p]!);
      }
      if (sum < best) {
        best = sum;
        labels[i] = j;
      }
    }
  }
  return labels;
}

/** [n, d] x [k, d] -> [n, k]: the sum over features of |a - b|. */
export const manhattan = pairwise({
  name: 'manhattan',
  tolerance: { ulp: 64, floor: 1 },
  term: (a: f32, b: f32): f32 => Math.abs(a - b),
});
