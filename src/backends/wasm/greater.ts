import { compareWasm } from './equal.js';

export const greaterWasm = compareWasm('greater');
