import { binaryRef } from './binary.js';

export const lessRef = binaryRef(
  'less',
  (x, y) => (x < y ? 1 : 0),
  (x, y) => (x < y ? 1n : 0n),
);
