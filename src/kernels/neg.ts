/**
 * neg(x) = -x element-wise (ONNX Neg), signed dtypes; integers wrap (-INT_MIN is INT_MIN). Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { SIGNED } from './kernel.js';

export const neg = defineUnary<Record<string, never>>('neg', {
  dtypes: SIGNED,
  defaults: {},
  tolerance: { kind: 'exact' },
  flops: 1,
});
