import type { LeakyReluAttrs } from '../../kernels/leakyRelu.js';
import { mapRef } from './unary.js';

// NaN >= 0 is false, so NaN takes the second branch and stays NaN.
export const leakyReluRef = mapRef<LeakyReluAttrs>('leakyRelu', (v, { alpha }) => (v >= 0 ? v : alpha * v));
