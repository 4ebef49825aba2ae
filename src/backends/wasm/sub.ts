import { binaryWasm } from './add.js';

export const subWasm = binaryWasm('sub');
