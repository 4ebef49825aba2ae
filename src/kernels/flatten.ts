/**
 * flatten(x, { axis = 1 }): a 2-D copy [prod(dims before axis), prod(dims from axis)], as ONNX
 * Flatten (axis in [-rank, rank]). For the zero-copy view use `tensor.flatten(axis)`.
 * Any dtype. Throws ARGUMENT (axis out of range).
 */
import { defineViewKernel, viewOf } from './view.js';
import { flattenShape } from '../tensor/views.js';

export interface FlattenAttrs {
  axis?: number;
}

export const flatten = defineViewKernel<FlattenAttrs>('flatten', { axis: 1 }, (x, attrs) => ({
  shape: flattenShape(x.shape, attrs.axis as number, 'flatten'),
  x: viewOf(x),
}));
