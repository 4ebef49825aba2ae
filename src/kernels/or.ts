/**
 * or(a, b): logical or of two bool tensors (numpy.logical_or, ONNX Or), numpy broadcasting.
 * Throws SHAPE, DTYPE (not bool).
 */
import { defineBinary } from './broadcast.js';
import { BOOL } from './kernel.js';

export const or = defineBinary('or', { dtypes: BOOL });
