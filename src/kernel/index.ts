/**
 * `hotpath/kernel`: what a kernel file imports to declare user kernels (map, reduce, rows,
 * pairwise) and the lane types. It pulls in nothing of the runtime.
 */
export { map, pairwise, reduce, rows } from '../user/kernel.js';
export type { Combine, f32, i32, KernelKind, MapDecl, PairwiseDecl, ReduceDecl, Row, RowsDecl, UserKernel, UserTolerance } from '../user/kernel.js';
