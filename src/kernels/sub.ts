/**
 * sub(a, b) = a - b element-wise with numpy broadcasting, any numeric dtype (both the same).
 * Integers wrap as in C. Throws SHAPE (no broadcast), DTYPE (mixed dtypes).
 */
import { defineBinary } from './broadcast.js';

export const sub = defineBinary('sub');
