/**
 * Runtime methods of the element-wise math kernels (sub, div, exp, where, comparisons, cast, ...).
 * Kept out of runtime.ts so that file stays small; every method goes through `run()`.
 */
import { RuntimeCore } from './core.js';

export class MathRuntime extends RuntimeCore {}
