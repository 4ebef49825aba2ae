/**
 * `hotpath/kernel`: what a kernel file imports to declare user kernels (map, reduce, rows,
 * pairwise) and the lane types. It pulls in nothing of the runtime.
 */
export { map, pairwise, reduce, rows } from '../user/kernel.js';
export { f32x4, i32x4, v128 } from '../user/lanes.js';
export type { V128 } from '../user/lanes.js';
export type { Combine, ElementInput, LanesBody, f32, i32, KernelKind, MapDecl, PairwiseDecl, ReduceDecl, Row, RowsDecl, UserKernel, UserTolerance } from '../user/kernel.js';
