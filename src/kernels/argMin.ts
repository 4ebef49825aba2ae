/**
 * argMin(x, { axis = 0, keepdims = true, selectLastIndex = false }): int64 indices of the smallest
 * elements along `axis`, as ONNX ArgMin-13 (keepdims defaults to true for ONNX parity; numpy's
 * argmin is keepdims: false). The first NaN wins, as numpy. Any numeric dtype.
 * Throws DTYPE, ARGUMENT (axis out of range), SHAPE (empty axis).
 */
import { defineArg } from './arg.js';

export const argMin = defineArg('argMin');
