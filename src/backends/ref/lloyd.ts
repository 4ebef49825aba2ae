import type { KernelImpl } from '../backend.js';
import { LLOYD_BLOCK, type LloydParams } from '../../kernels/lloyd.js';
import type { Tensor, ViewSpec } from '../../tensor/tensor.js';

/**
 * Nearest centroid by float64 squared distance (first on ties, strict <), then the blockwise
 * float64 sums of w * x and w that the kernel defines. With `bounds`, also each point's exact
 * distance to its centroid and to the next nearest (Infinity when there is no other). With
 * `offset` ([d], x's dtype) every value of x is read as x + offset rounded to x's dtype.
 */
export function lloydLoop(params: LloydParams, x: Tensor, c: Tensor, w: Tensor | undefined, labels: Tensor, sums: Tensor, counts: Tensor, bounds?: Tensor, offset?: { tensor: Tensor; view: ViewSpec }): void {
  const { n, k, d, x: xv, centroids: cv, weights: wv } = params;
  const X = x.data('lloyd');
  const O = offset?.tensor.data('lloyd');
  const ov = offset?.view;
  const round = x.dtype === 'float32' ? Math.fround : (v: number): number => v;
  const C = c.data('lloyd');
  const W = wv === null ? undefined : w!.data('lloyd');
  const L = labels.data('lloyd');
  const S = sums.data('lloyd') as Float64Array;
  const N = counts.data('lloyd') as Float64Array;
  const B = bounds?.data('lloyd') as Float64Array | undefined;
  const rawAt = (i: number, p: number): number => X[xv.offset + i * xv.strides[0]! + p * xv.strides[1]!] as number;
  const xAt = O === undefined ? rawAt : (i: number, p: number): number => round(rawAt(i, p) + (O[ov!.offset + p * ov!.strides[0]!] as number));
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
      let secondDist = Infinity;
      for (let j = 0; j < k; j++) {
        let dist = 0;
        for (let p = 0; p < d; p++) {
          const diff = xAt(i, p) - cAt(j, p);
          dist += diff * diff;
        }
        if (dist < bestDist) {
          secondDist = bestDist;
          bestDist = dist;
          best = j;
        } else if (dist < secondDist) {
          secondDist = dist;
        }
      }
      L[i] = best;
      if (B !== undefined) {
        B[2 * i] = Math.sqrt(bestDist);
        B[2 * i + 1] = Math.sqrt(secondDist);
      }
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
}

export const lloydRef: KernelImpl<LloydParams> = (plan, [x, c, w], [labels, sums, counts]) => {
  lloydLoop(plan.params, x!, c!, w, labels!, sums!, counts!);
};
