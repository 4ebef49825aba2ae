import { binaryRef } from './binary.js';

export const equalRef = binaryRef(
  'equal',
  (x, y) => (x === y ? 1 : 0),
  (x, y) => (x === y ? 1n : 0n),
);
