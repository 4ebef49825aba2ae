import type { ClipAttrs } from '../../kernels/clip.js';
import { mapRef } from './unary.js';

/**
 * min(max(x, lo), hi): NaN stays NaN and lo > hi gives hi, as numpy. An integer tensor clipped
 * at a fractional bound stores it truncated toward zero; BigInt compares exactly with a number.
 */
export const clipRef = mapRef<ClipAttrs>(
  'clip',
  (v, { min, max }) => Math.min(Math.max(v, min), max),
  (v, { min, max }) => {
    const lo = v < min ? BigInt(Math.trunc(min)) : v;
    return lo > max ? BigInt(Math.trunc(max)) : lo;
  },
);
