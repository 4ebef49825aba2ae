/**
 * floor(x): the largest integer <= x, element-wise, float dtypes (exact). Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const floor = defineUnary<Record<string, never>>('floor', {
  dtypes: FLOATS,
  defaults: {},
  tolerance: { kind: 'exact' },
  flops: 1,
});
