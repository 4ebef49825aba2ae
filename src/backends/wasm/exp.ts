import { mapWasm } from './map.js';

export const expWasm = mapWasm('exp');
