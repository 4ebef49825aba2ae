/**
 * sqrt(x) element-wise, float dtypes, correctly rounded; sqrt(x < 0) = NaN. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const sqrt = defineUnary<Record<string, never>>('sqrt', {
  dtypes: FLOATS,
  defaults: {},
  // IEEE square root is correctly rounded everywhere.
  tolerance: { kind: 'exact' },
  flops: 4,
});
