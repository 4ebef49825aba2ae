/**
 * min(a, b): the smaller of a and b element-wise (numpy.minimum, ONNX Min of two inputs), with
 * numpy broadcasting, any numeric dtype (both the same). A NaN in either operand gives NaN. ONNX
 * Min is variadic: fold it, min(min(a, b), c). Throws SHAPE, DTYPE.
 */
import { defineBinary } from './broadcast.js';

export const min = defineBinary('min');
