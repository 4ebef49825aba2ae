/**
 * reduceMean(x, { axes | axis, keepdims = true, noopWithEmptyAxes = false }): the compensated sum
 * divided by the count; the mean of an empty set is NaN (as numpy). Float dtypes.
 * `axis` (numpy's name, one axis or a list) is accepted for `axes`; keepdims defaults to true for
 * ONNX parity (numpy's default is false). Throws DTYPE, ARGUMENT (axes).
 */
import { defineKernel, FLOATS } from './kernel.js';
import { planReduce, reduceCost, REDUCE_DEFAULTS, type ReduceAttrs, type ReduceParams } from './reduce.js';

export const reduceMean = defineKernel<ReduceAttrs, ReduceParams>({
  name: 'reduceMean',
  inputs: [{ name: 'x', dtypes: FLOATS }],
  outputs: ['y'],
  defaults: REDUCE_DEFAULTS,
  tolerance: { kind: 'accumulated', factor: 2 },
  infer: ([x], attrs) => planReduce('reduceMean', x!, attrs),
  cost: reduceCost,
  depth: (plan) => plan.params.count,
});
