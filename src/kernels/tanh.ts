/**
 * tanh(x) element-wise, float dtypes; exact +-1 for |x| beyond the dtype's range. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const tanh = defineUnary<Record<string, never>>('tanh', {
  dtypes: FLOATS,
  defaults: {},
  // float64 Math or a float64 polynomial, then one rounding: within an ulp on both backends for
  // float32; 4 leaves room for the float32 fixtures' own libm (numpy states up to 4 ulp).
  tolerance: { kind: 'ulp', ulp: 4, floor: 0 },
  flops: 25,
});
