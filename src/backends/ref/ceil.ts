import { mapRef } from './unary.js';

export const ceilRef = mapRef<object>(
  'ceil',
  (v) => Math.ceil(v),
);
