import { mapRef } from './unary.js';

export const signRef = mapRef<object>(
  'sign',
  (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN),
  (v) => (v > 0n ? 1n : v < 0n ? -1n : 0n),
);
