import { mapRef } from './unary.js';

export const tanhRef = mapRef<object>(
  'tanh',
  (v) => Math.tanh(v),
);
