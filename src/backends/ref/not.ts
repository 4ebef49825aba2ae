import { mapRef } from './unary.js';

export const notRef = mapRef<object>(
  'not',
  (v) => v ^ 1,
);
