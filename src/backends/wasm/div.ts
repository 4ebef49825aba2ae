import { binaryWasm } from './add.js';

export const divWasm = binaryWasm('div');
