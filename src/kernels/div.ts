/**
 * div(a, b) = a / b element-wise with numpy broadcasting, any numeric dtype (both the same).
 * Floats follow IEEE (x / 0 is +-Infinity or NaN). Integers divide truncating toward zero, as ONNX
 * Div and C do; an integer division by zero gives 0 (C leaves it undefined, numpy warns and gives
 * 0) and INT_MIN / -1 wraps to INT_MIN. Throws SHAPE, DTYPE.
 */
import { defineBinary } from './broadcast.js';

export const div = defineBinary('div');
