/**
 * unsqueeze(x, { axes }): a copy with size-1 dims inserted at `axes` (positions in the output,
 * negative from its end), as ONNX Unsqueeze. For the zero-copy view use `tensor.unsqueeze()`.
 * Any dtype. Throws ARGUMENT (axes missing, out of range or repeated).
 */
import { defineViewKernel, viewOf } from './view.js';
import { unsqueezeView } from '../tensor/views.js';

export interface UnsqueezeAttrs {
  axes?: readonly number[] | undefined;
}

export const unsqueeze = defineViewKernel<UnsqueezeAttrs>('unsqueeze', { axes: undefined }, (x, attrs) => {
  const view = unsqueezeView(viewOf(x), attrs.axes as readonly number[], 'unsqueeze');
  return { shape: view.shape, x: view };
});
