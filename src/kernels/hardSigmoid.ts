/**
 * hardSigmoid(x, { alpha = 0.2, beta = 0.5 }) = max(0, min(1, alpha * x + beta)) (ONNX HardSigmoid),
 * float dtypes; NaN stays NaN.
 * @example hp.hardSigmoid(x, { alpha: 0.5, beta: 0.6 })
 * Throws DTYPE, ARGUMENT (alpha or beta not a finite number).
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export interface HardSigmoidAttrs {
  alpha?: number;
  beta?: number;
}

export const hardSigmoid = defineUnary<HardSigmoidAttrs>('hardSigmoid', {
  dtypes: FLOATS,
  defaults: { alpha: 0.2, beta: 0.5 },
  // A product and a sum in [0, 1]: absolute error of a few eps (floor 1).
  tolerance: { kind: 'ulp', ulp: 2, floor: 1 },
  flops: 3,
});
