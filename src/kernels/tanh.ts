/**
 * tanh(x) element-wise, float dtypes; exact +-1 for |x| beyond the dtype's range. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const tanh = defineUnary<Record<string, never>>('tanh', {
  dtypes: FLOATS,
  defaults: {},
  // ref: float64 Math, one rounding; wasm: polynomial approximations within 1 ulp on NumPy's
  // vectors (test/unit/umath.test.ts); float32 lanes (backends/wasm/assembly/tanh.ts) err at
  // most 2 * 2^-23 |tanh x| over every 61st float32 (3 ulp near x = 0.002). 4 leaves room for
  // the float32 fixtures' own libm (NumPy states up to 4 ulp).
  tolerance: { kind: 'ulp', ulp: 4, floor: 0 },
  flops: 25,
});
