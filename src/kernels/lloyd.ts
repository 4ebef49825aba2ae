/**
 * lloyd(x, centroids, weights?): one Lloyd step of k-means, without the division. For x [n, d],
 * centroids [k, d] and optional weights [n] (same float dtype):
 * - labels (int32 [n]): the index of the nearest centroid by squared Euclidean distance
 *   computed in float64 (in feature order), the first one on ties; NaN distances never win
 *   (a row whose distances are all NaN gets 0);
 * - sums (float64 [k, d]): per centroid, the sum of w * x over its points;
 * - counts (float64 [k]): per centroid, the sum of w (the number of points without weights).
 * The sums are defined blockwise so that any thread count gives the same bits: rows are taken
 * in blocks of LLOYD_BLOCK, each block summed in row order from zero, and the block sums added
 * in block order. Every output is exact (bit-equal across backends).
 * Throws SHAPE (not matrices, feature counts differ, weights not [n], k = 0), DTYPE.
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { defineKernel, FLOATS, sameDType, type Plan } from './kernel.js';

/** Rows per block of the blockwise sums (see above). */
export const LLOYD_BLOCK = 2048;

export type LloydAttrs = Record<string, never>;

export interface LloydParams {
  readonly n: number;
  readonly k: number;
  readonly d: number;
  readonly x: ViewSpec;
  readonly centroids: ViewSpec;
  readonly weights: ViewSpec | null;
}

export const lloyd = defineKernel<LloydAttrs, LloydParams>({
  name: 'lloyd',
  inputs: [
    { name: 'x', dtypes: FLOATS },
    { name: 'centroids', dtypes: FLOATS },
    { name: 'weights', dtypes: FLOATS, optional: true },
  ],
  outputs: ['labels', 'sums', 'counts'],
  defaults: {},
  tolerance: { kind: 'exact' },
  infer: ([x, c, w]) => planLloyd('lloyd', x!, c!, w),
  cost: (plan) => {
    const { n, k, d } = plan.params;
    return { flops: 2 * n * k * d + 2 * n * d, bytes: dtypeInfo('float32').bytes * (n * d + k * d + n) + 8 * k * (d + 1) };
  },
});

function matrix(t: Tensor, name: string, kernel: string): ViewSpec {
  if (t.rank !== 2) {
    fail({ code: 'SHAPE', kernel, problem: `${name} is not a matrix of points`, expected: 'rank 2: [points, features]', received: t.describe() });
  }
  return { shape: t.shape, strides: t.strides, offset: t.offset };
}

/** Validates a lloyd-style call (also hamerly's) and plans it; errors name `kernel`. */
export function planLloyd(kernel: string, x: Tensor, c: Tensor, w: Tensor | undefined): Plan<LloydParams> {
  sameDType(kernel, [x, c, w]);
  const xv = matrix(x, 'x', kernel);
  const cv = matrix(c, 'centroids', kernel);
  const [n, d] = xv.shape as [number, number];
  const [k, dc] = cv.shape as [number, number];
  if (d !== dc) {
    fail({ code: 'SHAPE', kernel, problem: 'x and centroids have different numbers of features', expected: `centroids with ${d} columns, as x`, received: `x ${x.describe()}, centroids ${c.describe()}` });
  }
  if (k === 0) {
    fail({ code: 'SHAPE', kernel, problem: 'no centroids', expected: 'at least one centroid', received: c.describe() });
  }
  let wv: ViewSpec | null = null;
  if (w !== undefined) {
    if (w.rank !== 1 || w.shape[0] !== n) {
      fail({ code: 'SHAPE', kernel, problem: 'weights do not match the points', expected: `[${n}]`, received: w.describe() });
    }
    wv = { shape: w.shape, strides: w.strides, offset: w.offset };
  }
  return {
    outputs: [
      { shape: [n], dtype: 'int32' },
      { shape: [k, d], dtype: 'float64' },
      { shape: [k], dtype: 'float64' },
    ],
    params: { n, k, d, x: xv, centroids: cv, weights: wv },
  };
}
