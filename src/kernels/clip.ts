/**
 * clip(x, { min, max }) = min(max(x, min), max) element-wise (ONNX Clip, numpy.clip), any numeric
 * dtype. An absent bound is no bound (the defaults are -Infinity and Infinity); NaN stays NaN;
 * with min > max every element becomes max, as numpy and ONNX do. An integer tensor clipped at a
 * fractional bound gets the bound truncated toward zero (ONNX gives bounds of x's own dtype).
 * @example hp.clip(x, { min: 0, max: 6 })
 * Throws DTYPE, ARGUMENT (a bound that is NaN or not a number).
 */
import { fail } from '../errors.js';
import { defineUnary } from './broadcast.js';
import { NUMERIC } from './kernel.js';

export interface ClipAttrs {
  min?: number;
  max?: number;
}

export const clip = defineUnary<ClipAttrs>('clip', {
  dtypes: NUMERIC,
  defaults: { min: -Infinity, max: Infinity },
  // Selects one of x, min, max: nothing is rounded (integer tensors compare with the bound).
  tolerance: { kind: 'exact' },
  check: (attrs) => {
    for (const key of ['min', 'max'] as const) {
      if (typeof attrs[key] !== 'number' || Number.isNaN(attrs[key])) {
        fail({ code: 'ARGUMENT', kernel: 'clip', problem: `invalid ${key}`, expected: 'a number (Infinity allowed), or nothing', received: String(attrs[key]) });
      }
    }
  },
  flops: 2,
});
