import { argWasm } from './arg.js';

export const argMaxWasm = argWasm(true);
