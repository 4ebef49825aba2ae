import { mapWasm } from './map.js';

export const sigmoidWasm = mapWasm('sigmoid');
