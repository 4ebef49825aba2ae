import { mapRef } from './unary.js';

export const sinRef = mapRef<object>(
  'sin',
  (v) => Math.sin(v),
);
