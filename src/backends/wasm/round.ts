import { mapWasm } from './map.js';

export const roundWasm = mapWasm('round');
