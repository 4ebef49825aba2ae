import type { SeluAttrs } from '../../kernels/selu.js';
import { mapWasm } from './map.js';

export const seluWasm = mapWasm<SeluAttrs>('selu', (p) => [p.attrs.alpha, p.attrs.gamma]);
