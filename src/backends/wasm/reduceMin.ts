import { extremeWasm } from './extremum.js';

export const reduceMinWasm = extremeWasm(false);
