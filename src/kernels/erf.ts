/**
 * erf(x), the error function, element-wise (ONNX Erf), float dtypes. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const erf = defineUnary<Record<string, never>>('erf', {
  dtypes: FLOATS,
  defaults: {},
  // float64 Math or a float64 polynomial, then one rounding: within an ulp on both backends for
  // float32; 4 leaves room for the float32 fixtures' own libm (numpy states up to 4 ulp).
  tolerance: { kind: 'ulp', ulp: 4, floor: 0 },
  flops: 40,
});
