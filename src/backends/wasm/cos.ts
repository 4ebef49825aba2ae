import { mapWasm } from './map.js';

export const cosWasm = mapWasm('cos');
