/**
 * expand(x, { shape }): a copy of x broadcast with `shape` (numpy rules both ways, so a 1 in
 * `shape` keeps x's dim), as ONNX Expand. For the zero-copy view use `tensor.expand()`.
 * Any dtype. Throws SHAPE (shapes do not broadcast).
 */
import { broadcastView } from './broadcast.js';
import { defineViewKernel } from './view.js';
import { expandShape } from '../tensor/views.js';

export interface ExpandAttrs {
  shape?: readonly number[] | undefined;
}

export const expand = defineViewKernel<ExpandAttrs>('expand', { shape: undefined }, (x, attrs) => {
  const shape = expandShape(x.shape, attrs.shape, 'expand');
  return { shape, x: broadcastView(x, shape) };
});
