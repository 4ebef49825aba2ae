/**
 * Runtime methods of the shape, indexing and reduction kernels (concat, gather, slice, topK,
 * reduceMax, argMax, ...) and the constructors numpy users reach for (zeros, arange, ...).
 * Kept out of runtime.ts so that file stays small; kernel methods go through `run()`.
 */
import { MathRuntime } from './mathOps.js';

export class ShapeRuntime extends MathRuntime {}
