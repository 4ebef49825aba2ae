import { mapWasm } from './map.js';

export const sinWasm = mapWasm('sin');
