import type { LeakyReluAttrs } from '../../kernels/leakyRelu.js';
import { mapWasm } from './map.js';

export const leakyReluWasm = mapWasm<LeakyReluAttrs>('leakyRelu', (p) => [p.attrs.alpha, 0]);
