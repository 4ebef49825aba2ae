/**
 * softmax(x, { axis = -1 }): exp(x - max) / sum(exp(x - max)) along one axis (ONNX opset 13:
 * no flattening to 2-D). Subtracting the max keeps large magnitudes finite. Float dtypes.
 * Throws DTYPE, ARGUMENT (axis out of range).
 */
import { dtypeInfo } from '../tensor/dtype.js';
import { normalizeAxis, sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { defineKernel, FLOATS, type Cost, type Plan } from './kernel.js';

export interface AxisAttrs {
  axis?: number;
}

export interface AxisParams {
  readonly shape: readonly number[];
  readonly axis: number;
  readonly x: ViewSpec;
}

export function planAxis(kernel: string, x: Tensor, attrs: AxisAttrs): Plan<AxisParams> {
  const axis = normalizeAxis(attrs.axis ?? -1, x.rank, kernel);
  return {
    outputs: [{ shape: x.shape, dtype: x.dtype }],
    params: { shape: x.shape, axis, x: { shape: x.shape, strides: x.strides, offset: x.offset } },
  };
}

export function axisCost(plan: Plan<AxisParams>, flopsPerElement: number): Cost {
  const n = sizeOf(plan.params.shape);
  return { flops: n * flopsPerElement, bytes: 2 * n * dtypeInfo(plan.outputs[0]!.dtype).bytes };
}

export const softmax = defineKernel<AxisAttrs, AxisParams>({
  name: 'softmax',
  inputs: [{ name: 'x', dtypes: FLOATS }],
  outputs: ['y'],
  defaults: { axis: -1 },
  // exp, a sum and a division: a few roundings relative to each output.
  tolerance: { kind: 'ulp', ulp: 8, floor: 0 },
  infer: ([x], attrs) => planAxis('softmax', x!, attrs),
  cost: (plan) => axisCost(plan, 12),
});
