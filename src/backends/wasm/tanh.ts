import { mapWasm } from './map.js';

export const tanhWasm = mapWasm('tanh');
