/**
 * reduceMin(x, { axes | axis, keepdims = true, noopWithEmptyAxes = false }): the smallest element
 * over the axes, as ONNX ReduceMin-18 (keepdims defaults to true for ONNX parity; pass
 * `keepdims: false` for numpy's shape). NaN propagates (numpy's min); the min of an empty set is
 * +Infinity (the dtype's maximum for integers, true for bool), as ONNX.
 * Any dtype (bool: max is any, min is all).
 * Throws DTYPE, ARGUMENT (axis out of range or repeated, both axis and axes).
 */
import { ANY, defineKernel } from './kernel.js';
import { planReduce, reduceCost, REDUCE_DEFAULTS, type ReduceAttrs, type ReduceParams } from './reduce.js';

export const reduceMin = defineKernel<ReduceAttrs, ReduceParams>({
  name: 'reduceMin',
  inputs: [{ name: 'x', dtypes: ANY }],
  outputs: ['y'],
  defaults: REDUCE_DEFAULTS,
  // One of the inputs, picked: the same bits on every backend.
  tolerance: { kind: 'exact' },
  infer: ([x], attrs) => planReduce('reduceMin', x!, attrs),
  cost: reduceCost,
});
