import { mapWasm } from './map.js';

export const sqrtWasm = mapWasm('sqrt');
