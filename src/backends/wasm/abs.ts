import { mapWasm } from './map.js';

export const absWasm = mapWasm('abs');
