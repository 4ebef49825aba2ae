import type { KernelImpl } from '../backend.js';
import type { GeluParams } from '../../kernels/gelu.js';
import { erf, erfc } from './erf.js';
import { unaryRef } from './unary.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export const geluRef: KernelImpl<GeluParams> = (plan, inputs, outputs) => {
  if (plan.params.approximate === 'tanh') {
    unaryRef('gelu', plan, inputs, outputs, (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
    return;
  }
  // For x < 0, 1 + erf(x/sqrt2) cancels; erfc keeps the small tail exact in relative terms.
  unaryRef('gelu', plan, inputs, outputs, (x) => (x >= 0 ? 0.5 * x * (1 + erf(x / Math.SQRT2)) : 0.5 * x * erfc(-x / Math.SQRT2)));
};
