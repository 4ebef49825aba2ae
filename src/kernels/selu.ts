/**
 * selu(x, { alpha, gamma }) = gamma * (x for x > 0, alpha * (exp(x) - 1) otherwise) (ONNX Selu;
 * defaults are ONNX's float32 constants alpha = 1.67326..., gamma = 1.05070...), float dtypes.
 * @example hp.selu(x)
 * Throws DTYPE, ARGUMENT (alpha or gamma not a finite number).
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export interface SeluAttrs {
  alpha?: number;
  gamma?: number;
}

export const selu = defineUnary<SeluAttrs>('selu', {
  dtypes: FLOATS,
  defaults: { alpha: 1.67326319217681884765625, gamma: 1.05070102214813232421875 },
  // Relative for x > 0; for x < 0 the usual alpha * (exp(x) - 1) (ONNX's reference, in float32)
  // cancels near 0, so errors of a few ulps of alpha are allowed there (the floor).
  tolerance: { kind: 'ulp', ulp: 4, floor: 1 },
  toleranceFor: (plan) => ({ kind: 'ulp', ulp: 4, floor: Math.abs(plan.params.attrs.alpha * plan.params.attrs.gamma) }),
  flops: 25,
});
