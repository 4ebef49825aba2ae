import { mapRef } from './unary.js';

export const sqrtRef = mapRef<object>(
  'sqrt',
  (v) => Math.sqrt(v),
);
