import type { EluAttrs } from '../../kernels/elu.js';
import { mapRef } from './unary.js';

export const eluRef = mapRef<EluAttrs>('elu', (v, { alpha }) => (v > 0 ? v : alpha * Math.expm1(v)));
