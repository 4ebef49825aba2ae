/**
 * elu(x, { alpha = 1 }) = x for x > 0, alpha * (exp(x) - 1) otherwise (ONNX Elu), float dtypes,
 * with expm1 so small negative x keep their precision.
 * @example hp.elu(x, { alpha: 2 })
 * Throws DTYPE, ARGUMENT (alpha not a finite number).
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export interface EluAttrs {
  alpha?: number;
}

export const elu = defineUnary<EluAttrs>('elu', {
  dtypes: FLOATS,
  defaults: { alpha: 1 },
  // Relative for x > 0; for x < 0 the usual alpha * (exp(x) - 1) (ONNX's reference, in float32)
  // cancels near 0, so errors of a few ulps of alpha are allowed there (the floor).
  tolerance: { kind: 'ulp', ulp: 4, floor: 1 },
  toleranceFor: (plan) => ({ kind: 'ulp', ulp: 4, floor: Math.abs(plan.params.attrs.alpha) }),
  flops: 25,
});
