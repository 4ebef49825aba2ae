import { binaryRef } from './binary.js';

export const andRef = binaryRef(
  'and',
  (x, y) => x & y,
  (x, y) => x & y,
);
