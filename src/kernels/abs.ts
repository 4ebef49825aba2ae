/**
 * abs(x) = |x| element-wise (ONNX Abs), any numeric dtype; integers wrap (|INT_MIN| is INT_MIN), NaN
 * stays NaN. Throws DTYPE.
 */
import { defineUnary } from './broadcast.js';
import { NUMERIC } from './kernel.js';

export const abs = defineUnary<Record<string, never>>('abs', {
  dtypes: NUMERIC,
  defaults: {},
  tolerance: { kind: 'exact' },
  flops: 1,
});
