import { binaryRef } from './binary.js';

// NaN in either operand gives NaN (numpy.maximum / minimum); x !== x tests NaN.
export const maxRef = binaryRef(
  'max',
  (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y),
  (x, y) => (x > y ? x : y),
);
