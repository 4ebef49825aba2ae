import type { KernelImpl } from '../backend.js';
import type { Metric, PairwiseDistancesParams } from '../../kernels/pairwiseDistances.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { ViewSpec } from '../../tensor/tensor.js';

/** Every metric by its definition, straight sums over the features in float64. */
export const pairwiseDistancesRef: KernelImpl<PairwiseDistancesParams> = (plan, [x, y], [out]) => {
  const { n, m, d, metric, x: xv, y: yv } = plan.params;
  const X = x!.data('pairwiseDistances');
  const Y = y!.data('pairwiseDistances');
  const O = out!.data('pairwiseDistances');
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      O[i * m + j] = distance(metric, X, xv, i, Y, yv, j, d);
    }
  }
};

function at(data: TypedArray, v: ViewSpec, row: number, col: number): number {
  return data[v.offset + row * v.strides[0]! + col * v.strides[1]!] as number;
}

function distance(metric: Metric, X: TypedArray, xv: ViewSpec, i: number, Y: TypedArray, yv: ViewSpec, j: number, d: number): number {
  let sum = 0;
  let xx = 0;
  let yy = 0;
  for (let p = 0; p < d; p++) {
    const a = at(X, xv, i, p);
    const b = at(Y, yv, j, p);
    switch (metric) {
      case 'sqeuclidean':
      case 'euclidean':
        sum += (a - b) * (a - b);
        break;
      case 'manhattan':
        sum += Math.abs(a - b);
        break;
      case 'dot':
        sum += a * b;
        break;
      case 'cosine':
        sum += a * b;
        xx += a * a;
        yy += b * b;
        break;
    }
  }
  if (metric === 'euclidean') {
    return Math.sqrt(sum);
  }
  if (metric === 'cosine') {
    // A zero row stays zero after normalizing (scikit-learn), so its similarity is 0.
    const similarity = xx === 0 || yy === 0 ? 0 : sum / (Math.sqrt(xx) * Math.sqrt(yy));
    return Math.min(2, Math.max(0, 1 - similarity));
  }
  return sum;
}
