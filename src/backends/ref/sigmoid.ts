import { mapRef } from './unary.js';

/** 1 / (1 + e^-x), written so that e^|x| never overflows: e^x / (1 + e^x) for x < 0. */
function sigmoid(v: number): number {
  if (v >= 0) {
    return 1 / (1 + Math.exp(-v));
  }
  const e = Math.exp(v);
  return e / (1 + e);
}

export const sigmoidRef = mapRef<object>('sigmoid', sigmoid);
