import { mapWasm } from './map.js';

export const signWasm = mapWasm('sign');
