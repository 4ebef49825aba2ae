import { mapRef } from './unary.js';

export const cosRef = mapRef<object>(
  'cos',
  (v) => Math.cos(v),
);
