import { mapWasm } from './map.js';

export const softplusWasm = mapWasm('softplus');
