import { mapWasm } from './map.js';

export const negWasm = mapWasm('neg');
