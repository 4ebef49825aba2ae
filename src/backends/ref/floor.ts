import { mapRef } from './unary.js';

export const floorRef = mapRef<object>(
  'floor',
  (v) => Math.floor(v),
);
