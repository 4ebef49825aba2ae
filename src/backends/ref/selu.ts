import type { SeluAttrs } from '../../kernels/selu.js';
import { mapRef } from './unary.js';

export const seluRef = mapRef<SeluAttrs>('selu', (v, { alpha, gamma }) => (v > 0 ? gamma * v : gamma * (alpha * Math.expm1(v))));
