/**
 * max(a, b): the larger of a and b element-wise (numpy.maximum, ONNX Max of two inputs), with
 * numpy broadcasting, any numeric dtype (both the same). A NaN in either operand gives NaN. ONNX
 * Max is variadic: fold it, max(max(a, b), c). Throws SHAPE, DTYPE.
 */
import { defineBinary } from './broadcast.js';

export const max = defineBinary('max');
