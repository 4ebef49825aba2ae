import { binaryWasm } from './add.js';

export const mulWasm = binaryWasm('mul');
