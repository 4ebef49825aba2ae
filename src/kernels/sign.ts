/**
 * sign(x): -1, 0 or 1 by the sign of x (ONNX Sign, numpy.sign), any numeric dtype; sign(NaN) is NaN
 * and sign(-0) is 0. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { NUMERIC } from './kernel.js';

export const sign = defineUnary<Record<string, never>>('sign', {
  dtypes: NUMERIC,
  defaults: {},
  tolerance: { kind: 'exact' },
  flops: 1,
});
