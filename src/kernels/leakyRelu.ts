/**
 * leakyRelu(x, { alpha = 0.01 }) = x for x >= 0, alpha * x otherwise (ONNX LeakyRelu), float dtypes.
 * @example hp.leakyRelu(x, { alpha: 0.1 })
 * Throws DTYPE, ARGUMENT (alpha not a finite number).
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export interface LeakyReluAttrs {
  alpha?: number;
}

export const leakyRelu = defineUnary<LeakyReluAttrs>('leakyRelu', {
  dtypes: FLOATS,
  defaults: { alpha: 0.01 },
  // One product: float32 backends may round alpha to float32 first (ONNX's alpha is a float).
  tolerance: { kind: 'ulp', ulp: 2, floor: 0 },
  flops: 2,
});
