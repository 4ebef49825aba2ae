/**
 * erf and erfc in float64, written from their textbook series so a reader can check them:
 * - erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), all terms
 *   positive, so no cancellation (Abramowitz & Stegun 7.1.6);
 * - erfc(x) for x >= 2 by its continued fraction (A&S 7.1.14), evaluated with Lentz's method,
 *   so the tail keeps its relative precision where 1 - erf(x) would cancel.
 */

import { mapRef } from './unary.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export function erf(x: number): number {
  if (Number.isNaN(x)) {
    return NaN;
  }
  if (x < 0) {
    return -erf(-x);
  }
  if (x >= 6) {
    // erfc(6) ~ 2e-17 is below half an ulp of 1.
    return 1;
  }
  if (x >= 2) {
    return 1 - erfc(x);
  }
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) {
      break;
    }
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) {
    return NaN;
  }
  if (x < 2) {
    return 1 - erf(x);
  }
  if (x > 27) {
    // exp(-x^2) underflows below the smallest float64.
    return 0;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) {
      break;
    }
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The erf kernel: erf above in float64, one rounding to the dtype. */
export const erfRef = mapRef<object>('erf', erf);
