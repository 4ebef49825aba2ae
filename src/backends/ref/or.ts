import { binaryRef } from './binary.js';

export const orRef = binaryRef(
  'or',
  (x, y) => x | y,
  (x, y) => x | y,
);
