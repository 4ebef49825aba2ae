/**
 * squeeze(x, { axes }): a copy without the size-1 dims `axes` (all size-1 dims when absent),
 * as ONNX Squeeze. For the zero-copy view use `tensor.squeeze()`. Any dtype.
 * Throws SHAPE (an axis is not of size 1), ARGUMENT (axis out of range, repeated).
 */
import { defineViewKernel, viewOf } from './view.js';
import { squeezeView } from '../tensor/views.js';

export interface SqueezeAttrs {
  axes?: readonly number[] | undefined;
}

export const squeeze = defineViewKernel<SqueezeAttrs>('squeeze', { axes: undefined }, (x, attrs) => {
  const view = squeezeView(viewOf(x), attrs.axes, 'squeeze');
  return { shape: view.shape, x: view };
});
