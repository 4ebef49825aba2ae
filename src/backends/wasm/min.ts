import { binaryWasm } from './add.js';

export const minWasm = binaryWasm('min');
