/**
 * relu(x) = max(x, 0) elementwise; NaN stays NaN. Signed dtypes. Throws DTYPE.
 */
import { dtypeInfo } from '../tensor/dtype.js';
import { elementwiseCost, outputView, type UnaryParams } from './broadcast.js';
import { defineKernel, SIGNED } from './kernel.js';

export type { UnaryParams } from './broadcast.js';

export type ReluAttrs = Record<string, never>;

export const relu = defineKernel<ReluAttrs, UnaryParams>({
  name: 'relu',
  inputs: [{ name: 'x', dtypes: SIGNED }],
  outputs: ['y'],
  defaults: {},
  tolerance: { kind: 'exact' },
  infer: ([x]) => ({
    outputs: [{ shape: x!.shape, dtype: x!.dtype }],
    params: { shape: x!.shape, x: { shape: x!.shape, strides: x!.strides, offset: x!.offset }, y: outputView(x!.shape) },
  }),
  cost: (plan) => elementwiseCost(plan, 1, dtypeInfo(plan.outputs[0]!.dtype).bytes),
});
