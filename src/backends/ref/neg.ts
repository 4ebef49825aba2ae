import { mapRef } from './unary.js';

export const negRef = mapRef<object>(
  'neg',
  (v) => -v,
  (v) => -v,
);
