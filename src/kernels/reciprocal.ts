/**
 * reciprocal(x) = 1 / x element-wise (ONNX Reciprocal), float dtypes, correctly rounded. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const reciprocal = defineUnary<Record<string, never>>('reciprocal', {
  dtypes: FLOATS,
  defaults: {},
  tolerance: { kind: 'exact' },
  flops: 4,
});
