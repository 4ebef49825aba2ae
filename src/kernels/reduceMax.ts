/**
 * reduceMax(x, { axes | axis, keepdims = true, noopWithEmptyAxes = false }): the largest element
 * over the axes, as ONNX ReduceMax-18 (keepdims defaults to true for ONNX parity; pass
 * `keepdims: false` for numpy's shape). NaN propagates (numpy's max); the max of an empty set is
 * -Infinity (the dtype's minimum for integers, false for bool), as ONNX.
 * Any dtype (bool: max is any, min is all).
 * Throws DTYPE, ARGUMENT (axis out of range or repeated, both axis and axes).
 */
import { ANY, defineKernel } from './kernel.js';
import { planReduce, reduceCost, REDUCE_DEFAULTS, type ReduceAttrs, type ReduceParams } from './reduce.js';

export const reduceMax = defineKernel<ReduceAttrs, ReduceParams>({
  name: 'reduceMax',
  inputs: [{ name: 'x', dtypes: ANY }],
  outputs: ['y'],
  defaults: REDUCE_DEFAULTS,
  // One of the inputs, picked: the same bits on every backend.
  tolerance: { kind: 'exact' },
  infer: ([x], attrs) => planReduce('reduceMax', x!, attrs),
  cost: reduceCost,
});
