import { argWasm } from './arg.js';

export const argMinWasm = argWasm(false);
