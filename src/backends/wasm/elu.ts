import type { EluAttrs } from '../../kernels/elu.js';
import { mapWasm } from './map.js';

export const eluWasm = mapWasm<EluAttrs>('elu', (p) => [p.attrs.alpha, 0]);
