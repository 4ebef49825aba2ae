import { extremeWasm } from './extremum.js';

export const reduceMaxWasm = extremeWasm(true);
