/**
 * sigmoid(x) = 1 / (1 + exp(-x)) element-wise (ONNX Sigmoid), float dtypes, without overflow for
 * large |x|; results below the smallest normal may be flushed to 0. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const sigmoid = defineUnary<Record<string, never>>('sigmoid', {
  dtypes: FLOATS,
  defaults: {},
  // ref: float64 Math, one rounding; wasm float32 lanes (backends/wasm/assembly/sigmoid.ts): one
  // polynomial exp and one division, within 1.5 * 2^-23 relative over every 61st float32, and 0
  // below x = -88.4 (the result there is under the smallest normal, which the absolute part of
  // the bound covers). 4 leaves room for the float32 fixtures' own libm.
  tolerance: { kind: 'ulp', ulp: 4, floor: 0 },
  flops: 25,
});
