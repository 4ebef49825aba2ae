/**
 * logSoftmax(x, { axis = -1 }): x - max - log(sum(exp(x - max))) along one axis (ONNX opset 13).
 * Float dtypes. Throws DTYPE, ARGUMENT.
 */
import { defineKernel, FLOATS } from './kernel.js';
import { axisCost, planAxis, type AxisAttrs, type AxisParams } from './softmax.js';

export const logSoftmax = defineKernel<AxisAttrs, AxisParams>({
  name: 'logSoftmax',
  inputs: [{ name: 'x', dtypes: FLOATS }],
  outputs: ['y'],
  defaults: { axis: -1 },
  // Outputs near 0 come from subtracting nearly equal terms of size ~1: floor 1.
  tolerance: { kind: 'ulp', ulp: 8, floor: 1 },
  infer: ([x], attrs) => planAxis('logSoftmax', x!, attrs),
  cost: (plan) => axisCost(plan, 12),
});
