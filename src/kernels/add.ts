/**
 * add(a, b): elementwise sum with numpy broadcasting, any numeric dtype (both the same).
 * Integers wrap as in C. Throws SHAPE (no broadcast), DTYPE (mixed dtypes).
 */
import { defineBinary } from './broadcast.js';

export const add = defineBinary('add');
