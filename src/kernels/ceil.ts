/**
 * ceil(x): the smallest integer >= x, element-wise, float dtypes (exact). Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { FLOATS } from './kernel.js';

export const ceil = defineUnary<Record<string, never>>('ceil', {
  dtypes: FLOATS,
  defaults: {},
  tolerance: { kind: 'exact' },
  flops: 1,
});
