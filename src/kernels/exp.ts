/**
 * exp(x) element-wise, float dtypes. Overflow gives Infinity; results below the smallest normal may
 * be flushed to 0 (the declared tolerance allows it). Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const exp = defineUnary<Record<string, never>>('exp', {
  dtypes: FLOATS,
  defaults: {},
  // ref: float64 Math, one rounding; wasm: series approximations within 1-2 ulp (measured on
  // NumPy's vectors, test/unit/umath.test.ts). 4 leaves room for the float32 fixtures' own libm
  // (NumPy states up to 4 ulp).
  tolerance: { kind: 'ulp', ulp: 4, floor: 0 },
  flops: 20,
});
