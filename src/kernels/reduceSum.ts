/**
 * reduceSum(x, { axes | axis, keepdims = true, noopWithEmptyAxes = false }): sums over axes with
 * compensated summation, so 1e8 float32 ones sum to exactly 1e8. The sum over an empty set is
 * 0. int32 and int64 sums wrap as in C. `axis` (numpy's name, one axis or a list) is accepted
 * for `axes`; keepdims defaults to true for ONNX parity (numpy's default is false).
 * Throws DTYPE, ARGUMENT (axes).
 */
import { defineKernel, FLOATS } from './kernel.js';
import { planReduce, reduceCost, REDUCE_DEFAULTS, type ReduceAttrs, type ReduceParams } from './reduce.js';

export const reduceSum = defineKernel<ReduceAttrs, ReduceParams>({
  name: 'reduceSum',
  inputs: [{ name: 'x', dtypes: [...FLOATS, 'int32', 'int64'] }],
  outputs: ['y'],
  defaults: REDUCE_DEFAULTS,
  tolerance: { kind: 'accumulated', factor: 2 },
  infer: ([x], attrs) => planReduce('reduceSum', x!, attrs),
  cost: reduceCost,
  depth: (plan) => plan.params.count,
});
