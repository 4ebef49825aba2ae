import { mapRef } from './unary.js';

export const reciprocalRef = mapRef<object>(
  'reciprocal',
  (v) => 1 / v,
);
