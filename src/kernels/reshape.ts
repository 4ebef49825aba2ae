/**
 * reshape(x, { shape, allowzero = false }): a row-major copy with a new shape, as ONNX Reshape:
 * one dim may be -1 (inferred) and 0 copies the input's dim unless `allowzero`. For the
 * zero-copy view use `tensor.reshape()`. Any dtype. Throws SHAPE (sizes differ).
 */
import { boolAttr } from './kernel.js';
import { defineViewKernel, viewOf } from './view.js';
import { reshapeDims } from '../tensor/views.js';

export interface ReshapeAttrs {
  shape?: readonly number[] | undefined;
  allowzero?: boolean;
}

export const reshape = defineViewKernel<ReshapeAttrs>('reshape', { shape: undefined, allowzero: false }, (x, attrs) => {
  const shape = reshapeDims(attrs.shape, x.shape, boolAttr('reshape', 'allowzero', attrs.allowzero), 'reshape');
  // x walked in its own shape gives the elements in row-major order, which is all a reshape is.
  return { shape, x: viewOf(x) };
});
