/**
 * hamerly(x, centroids, labels, bounds, drift, weights?): the lloyd step (same labels, sums and
 * counts, bit for bit), given hints that let a backend skip work: the labels of the previous
 * step, per point Hamerly's bounds [upper, lower] (float64 [n, 2]) for the previous centroids
 * (upper >= the distance to the centroid its label names, lower <= the distance to every other
 * centroid), and drift (float64 [k]): how far each centroid has moved since (>= the distance).
 * A point whose bounds, widened by the drift, prove its label (with margin for rounding) keeps
 * it without a single distance computed. Outputs: labels, sums, counts as lloyd, and bounds
 * for these centroids (the next step's hints). Hints that are not valid bounds give wrong
 * labels: pass [Infinity, 0] when in doubt.
 * offset (optional, [d], x's dtype): the step runs on the rows x + offset, each value rounded to
 * x's dtype as the add kernel stores it (fround for float32), so the outputs are those of
 * hamerly(add(x, offset), ...) bit for bit, without that centred copy being written (the
 * out-of-core fit passes the negated mean: its rows stream from the file uncentred).
 * Only the first three outputs are compared across backends; bounds are hints, checked as
 * bounds by the tests. Throws SHAPE, DTYPE.
 * @example hp.run('hamerly', [x, c, labels, bounds, drift, undefined, hp.tensor(negatedMean, [d])])
 */
import { fail } from '../errors.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { defineKernel, FLOATS, sameDType } from './kernel.js';
import { lloyd, planLloyd, type LloydParams } from './lloyd.js';

export type HamerlyAttrs = Record<string, never>;

export interface HamerlyParams extends LloydParams {
  readonly hints: ViewSpec;
  readonly bounds: ViewSpec;
  readonly drift: ViewSpec;
  /** Added to every row of x (rounded to x's dtype) before the step; null: none. */
  readonly offset: ViewSpec | null;
}

export const hamerly = defineKernel<HamerlyAttrs, HamerlyParams>({
  name: 'hamerly',
  inputs: [
    { name: 'x', dtypes: FLOATS },
    { name: 'centroids', dtypes: FLOATS },
    { name: 'labels', dtypes: ['int32'] },
    { name: 'bounds', dtypes: ['float64'] },
    { name: 'drift', dtypes: ['float64'] },
    { name: 'weights', dtypes: FLOATS, optional: true },
    { name: 'offset', dtypes: FLOATS, optional: true },
  ],
  outputs: ['labels', 'sums', 'counts', 'bounds'],
  hints: [3],
  defaults: {},
  tolerance: { kind: 'exact' },
  infer: ([x, c, labels, bounds, drift, w, offset]) => {
    const plan = planLloyd('hamerly', x!, c!, w);
    const { n, k, d } = plan.params;
    if (offset !== undefined) {
      sameDType('hamerly', [x, offset]);
      if (offset.rank !== 1 || offset.shape[0] !== d) {
        fail({ code: 'SHAPE', kernel: 'hamerly', problem: 'offset does not match the features', expected: `[${d}]`, received: offset.describe() });
      }
    }
    if (drift!.rank !== 1 || drift!.shape[0] !== k) {
      fail({ code: 'SHAPE', kernel: 'hamerly', problem: 'drift does not match the centroids', expected: `[${k}]`, received: drift!.describe() });
    }
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
        drift: { shape: drift!.shape, strides: drift!.strides, offset: drift!.offset },
        offset: offset === undefined ? null : { shape: offset.shape, strides: offset.strides, offset: offset.offset },
      },
    };
  },
  cost: (plan) => lloyd.cost(plan),
});
