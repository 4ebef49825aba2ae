/**
 * softplus(x) = log(1 + exp(x)) element-wise (ONNX Softplus), float dtypes, computed as
 * max(x, 0) + log1p(exp(-|x|)) so it neither overflows nor loses small results. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const softplus = defineUnary<Record<string, never>>('softplus', {
  dtypes: FLOATS,
  defaults: {},
  // float64 Math or a float64 polynomial, then one rounding: within an ulp on both backends for
  // float32; 4 leaves room for the float32 fixtures' own libm (numpy states up to 4 ulp).
  tolerance: { kind: 'ulp', ulp: 4, floor: 0 },
  flops: 45,
});
