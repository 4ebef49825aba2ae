import type { HardSigmoidAttrs } from '../../kernels/hardSigmoid.js';
import { mapWasm } from './map.js';

export const hardSigmoidWasm = mapWasm<HardSigmoidAttrs>('hardSigmoid', (p) => [p.attrs.alpha, p.attrs.beta]);
