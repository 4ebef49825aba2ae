import { binaryWasm } from './add.js';

export const maxWasm = binaryWasm('max');
