import type { ClipAttrs } from '../../kernels/clip.js';
import { mapWasm } from './map.js';

export const clipWasm = mapWasm<ClipAttrs>('clip', (p) => [p.attrs.min, p.attrs.max]);
