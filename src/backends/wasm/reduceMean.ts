import { reduceWasm } from './reduceSum.js';

export const reduceMeanWasm = reduceWasm(true);
