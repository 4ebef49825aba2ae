/**
 * exp(x) element-wise, float dtypes. Overflow gives Infinity; results below the smallest normal may
 * be flushed to 0 (the declared tolerance allows it). Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const exp = defineUnary<Record<string, never>>('exp', {
  dtypes: FLOATS,
  defaults: {},
  // ref: float64 Math, one rounding; wasm: polynomial approximations (float32 lanes: a degree-5
  // minimax e^r, backends/wasm/assembly/exp.ts) within 1 ulp on NumPy's vectors
  // (test/unit/umath.test.ts) and over every 61st float32 in range. 4 leaves room for the float32
  // fixtures' own libm (NumPy states up to 4 ulp).
  tolerance: { kind: 'ulp', ulp: 4, floor: 0 },
  flops: 20,
});
