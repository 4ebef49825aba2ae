import { mapRef } from './unary.js';

export const expRef = mapRef<object>(
  'exp',
  (v) => Math.exp(v),
);
