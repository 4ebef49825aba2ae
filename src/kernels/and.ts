/**
 * and(a, b): logical and of two bool tensors (numpy.logical_and, ONNX And), numpy broadcasting.
 * Throws SHAPE, DTYPE (not bool).
 */
import { defineBinary } from './broadcast.js';
import { BOOL } from './kernel.js';

export const and = defineBinary('and', { dtypes: BOOL });
