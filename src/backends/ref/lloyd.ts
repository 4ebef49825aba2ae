import type { KernelImpl } from '../backend.js';
import { LLOYD_BLOCK, type LloydParams } from '../../kernels/lloyd.js';

/**
 * Nearest centroid by float64 squared distance (first on ties, strict <), then the blockwise
 * float64 sums of w * x and w that the kernel defines.
 */
export const lloydRef: KernelImpl<LloydParams> = (plan, [x, c, w], [labels, sums, counts]) => {
  const { n, k, d, x: xv, centroids: cv, weights: wv } = plan.params;
  const X = x!.data('lloyd');
  const C = c!.data('lloyd');
  const W = wv === null ? undefined : w!.data('lloyd');
  const L = labels!.data('lloyd');
  const S = sums!.data('lloyd') as Float64Array;
  const N = counts!.data('lloyd') as Float64Array;
  const xAt = (i: number, p: number): number => X[xv.offset + i * xv.strides[0]! + p * xv.strides[1]!] as number;
  const cAt = (j: number, p: number): number => C[cv.offset + j * cv.strides[0]! + p * cv.strides[1]!] as number;
  S.fill(0);
  N.fill(0);
  const blockSums = new Float64Array(k * d);
  const blockCounts = new Float64Array(k);
  for (let start = 0; start < n; start += LLOYD_BLOCK) {
    blockSums.fill(0);
    blockCounts.fill(0);
    for (let i = start; i < Math.min(n, start + LLOYD_BLOCK); i++) {
      let best = 0;
      let bestDist = Infinity;
      for (let j = 0; j < k; j++) {
        let dist = 0;
        for (let p = 0; p < d; p++) {
          const diff = xAt(i, p) - cAt(j, p);
          dist += diff * diff;
        }
        if (dist < bestDist) {
          bestDist = dist;
          best = j;
        }
      }
      L[i] = best;
      const weight = W === undefined ? 1 : (W[wv!.offset + i * wv!.strides[0]!] as number);
      for (let p = 0; p < d; p++) {
        blockSums[best * d + p] = blockSums[best * d + p]! + weight * xAt(i, p);
      }
      blockCounts[best] = blockCounts[best]! + weight;
    }
    for (let e = 0; e < k * d; e++) {
      S[e] = S[e]! + blockSums[e]!;
    }
    for (let j = 0; j < k; j++) {
      N[j] = N[j]! + blockCounts[j]!;
    }
  }
};
