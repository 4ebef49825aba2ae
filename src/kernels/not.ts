/**
 * not(x): logical not of a bool tensor (numpy.logical_not, ONNX Not). Throws DTYPE (not bool).
 */
import { defineUnary } from './broadcast.js';
import { BOOL } from './kernel.js';

export const not = defineUnary<Record<string, never>>('not', {
  dtypes: BOOL,
  defaults: {},
  tolerance: { kind: 'exact' },
  flops: 1,
});
