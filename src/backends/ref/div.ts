import { binaryRef } from './binary.js';

/**
 * Floats divide as IEEE; integers truncate toward zero (|x|, |y| < 2^32, so the float64 quotient
 * never rounds onto the wrong side of an integer), and dividing by zero gives 0.
 */
export const divRef = binaryRef(
  'div',
  (x, y) => x / y,
  (x, y) => (y === 0n ? 0n : x / y),
  undefined,
  (x, y) => (y === 0 ? 0 : Math.trunc(x / y)),
);
