import { mapWasm } from './map.js';

export const ceilWasm = mapWasm('ceil');
