import type { HardSigmoidAttrs } from '../../kernels/hardSigmoid.js';
import { mapRef } from './unary.js';

// Math.min / Math.max return NaN for a NaN argument, so NaN stays NaN.
export const hardSigmoidRef = mapRef<HardSigmoidAttrs>('hardSigmoid', (v, { alpha, beta }) => Math.max(0, Math.min(1, alpha * v + beta)));
