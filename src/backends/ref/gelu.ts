import type { KernelImpl } from '../backend.js';
import type { GeluParams } from '../../kernels/gelu.js';
import { erf, erfc } from './erf.js';
import { unaryRef } from './unary.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export const geluRef: KernelImpl<GeluParams> = (plan, inputs, outputs) => {
  if (plan.params.approximate === 'tanh') {
    unaryRef('gelu', plan, inputs, outputs, geluTanh);
    return;
  }
  // For x < 0, 1 + erf(x/sqrt2) cancels; erfc keeps the small tail exact in relative terms.
  unaryRef('gelu', plan, inputs, outputs, (x) => (x >= 0 ? 0.5 * x * (1 + erf(x / Math.SQRT2)) : 0.5 * x * erfc(-x / Math.SQRT2)));
};

/**
 * 0.5 x (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x^3), written as x / (1 + e) for u >= 0 and
 * x e / (1 + e) for u < 0 with e = exp(-2|u|): 1 + tanh u cancels for u << 0, which float64
 * results would show.
 */
function geluTanh(x: number): number {
  const u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
  const e = Math.exp(-2 * Math.abs(u));
  return (u >= 0 ? x : x * e) / (1 + e);
}
