import { mapRef } from './unary.js';

/** Nearest integer, halves to even: Math.round rounds halves up, so step back from odd ones. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const roundRef = mapRef<object>('round', roundHalfEven);
