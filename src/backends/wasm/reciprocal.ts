import { mapWasm } from './map.js';

export const reciprocalWasm = mapWasm('reciprocal');
