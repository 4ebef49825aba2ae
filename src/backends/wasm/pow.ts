import { binaryWasm } from './add.js';

export const powWasm = binaryWasm('pow');
