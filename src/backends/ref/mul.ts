import { binaryRef } from './binary.js';

export const mulRef = binaryRef(
  'mul',
  (x, y) => x * y,
  (x, y) => x * y,
  // A 32-bit product can pass 2^53 in float64 and lose its low bits before wrapping.
  (x, y) => Math.imul(x, y),
);
