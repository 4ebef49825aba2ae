import { mapWasm } from './map.js';

export const logWasm = mapWasm('log');
