import { mapWasm } from './map.js';

export const floorWasm = mapWasm('floor');
