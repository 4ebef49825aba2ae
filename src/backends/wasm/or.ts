import { logicWasm } from './and.js';

export const orWasm = logicWasm('or');
