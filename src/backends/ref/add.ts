import { binaryRef } from './binary.js';

export const addRef = binaryRef(
  'add',
  (x, y) => x + y,
  (x, y) => x + y,
);
