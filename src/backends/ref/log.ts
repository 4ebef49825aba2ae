import { mapRef } from './unary.js';

export const logRef = mapRef<object>(
  'log',
  (v) => Math.log(v),
);
