import { binaryRef } from './binary.js';

export const subRef = binaryRef(
  'sub',
  (x, y) => x - y,
  (x, y) => x - y,
);
