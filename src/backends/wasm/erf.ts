import { mapWasm } from './map.js';

export const erfWasm = mapWasm('erf');
