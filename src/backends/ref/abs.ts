import { mapRef } from './unary.js';

export const absRef = mapRef<object>(
  'abs',
  (v) => Math.abs(v),
  (v) => (v < 0n ? -v : v),
);
