import { compareWasm } from './equal.js';

export const lessWasm = compareWasm('less');
