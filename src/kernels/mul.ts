/**
 * mul(a, b): elementwise product with numpy broadcasting, any numeric dtype (both the same).
 * Integers wrap as in C. Throws SHAPE (no broadcast), DTYPE (mixed dtypes).
 */
import { dtypeInfo } from '../tensor/dtype.js';
import { planBinary, elementwiseCost, type BinaryParams } from './broadcast.js';
import { defineKernel, NUMERIC } from './kernel.js';

export type MulAttrs = Record<string, never>;

export const mul = defineKernel<MulAttrs, BinaryParams>({
  name: 'mul',
  inputs: [
    { name: 'a', dtypes: NUMERIC },
    { name: 'b', dtypes: NUMERIC },
  ],
  outputs: ['c'],
  defaults: {},
  // One rounding of an exact product: a correct float product is the same bits everywhere.
  tolerance: { kind: 'exact' },
  infer: ([a, b]) => planBinary('mul', a!, b!),
  cost: (plan) => elementwiseCost(plan, 2, dtypeInfo(plan.outputs[0]!.dtype).bytes),
});
