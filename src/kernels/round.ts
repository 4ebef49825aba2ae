/**
 * round(x) to the nearest integer, halves to even (ONNX Round, numpy.round: 2.5 -> 2, -0.5 -> -0),
 * element-wise, float dtypes (exact). Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const round = defineUnary<Record<string, never>>('round', {
  dtypes: FLOATS,
  defaults: {},
  tolerance: { kind: 'exact' },
  flops: 1,
});
