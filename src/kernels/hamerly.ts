/**
 * hamerly(x, centroids, labels, bounds, weights?): the lloyd step (same labels, sums and counts,
 * bit for bit), given hints that let a backend skip work: the labels of the previous step and,
 * per point, Hamerly's bounds [upper, lower] (float64 [n, 2]) valid for these centroids: upper
 * >= the distance to the centroid its label names, lower <= the distance to every other
 * centroid. A point whose bounds prove its label (upper < lower, with margin for rounding)
 * keeps it without a single distance computed. Outputs: labels, sums, counts as lloyd, and new
 * bounds for the same centroids (the caller widens them by each centroid's movement before the
 * next step). Hints that are not valid bounds give wrong labels: pass [Infinity, 0] when in doubt.
 * Only the first three outputs are compared across backends; bounds are hints, checked as
 * bounds by the tests. Throws SHAPE, DTYPE.
 */
import { fail } from '../errors.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { defineKernel, FLOATS } from './kernel.js';
import { lloyd, type LloydParams } from './lloyd.js';

export type HamerlyAttrs = Record<string, never>;

export interface HamerlyParams extends LloydParams {
  readonly hints: ViewSpec;
  readonly bounds: ViewSpec;
}

export const hamerly = defineKernel<HamerlyAttrs, HamerlyParams>({
  name: 'hamerly',
  inputs: [
    { name: 'x', dtypes: FLOATS },
    { name: 'centroids', dtypes: FLOATS },
    { name: 'labels', dtypes: ['int32'] },
    { name: 'bounds', dtypes: ['float64'] },
    { name: 'weights', dtypes: FLOATS, optional: true },
  ],
  outputs: ['labels', 'sums', 'counts', 'bounds'],
  hints: [3],
  defaults: {},
  tolerance: { kind: 'exact' },
  infer: ([x, c, labels, bounds, w]) => {
    const plan = lloyd.infer([x, c, w], {});
    const { n } = plan.params;
    if (labels!.rank !== 1 || labels!.shape[0] !== n) {
      fail({ code: 'SHAPE', kernel: 'hamerly', problem: 'labels do not match the points', expected: `[${n}]`, received: labels!.describe() });
    }
    if (bounds!.rank !== 2 || bounds!.shape[0] !== n || bounds!.shape[1] !== 2) {
      fail({ code: 'SHAPE', kernel: 'hamerly', problem: 'bounds do not match the points', expected: `[${n},2]`, received: bounds!.describe() });
    }
    return {
      outputs: [...plan.outputs, { shape: [n, 2], dtype: 'float64' }],
      params: {
        ...plan.params,
        hints: { shape: labels!.shape, strides: labels!.strides, offset: labels!.offset },
        bounds: { shape: bounds!.shape, strides: bounds!.strides, offset: bounds!.offset },
      },
    };
  },
  cost: (plan) => lloyd.cost(plan),
});
