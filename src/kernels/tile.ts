/**
 * tile(x, { repeats }): x repeated `repeats[i]` times along each dim i, as ONNX Tile (numpy
 * tile with one repeat per dim). Any dtype. Throws ARGUMENT (repeats not one non-negative
 * integer per dim).
 */
import { defineViewKernel, viewOf } from './view.js';
import { tileView } from '../tensor/views.js';

export interface TileAttrs {
  repeats?: readonly number[] | undefined;
}

export const tile = defineViewKernel<TileAttrs>('tile', { repeats: undefined }, (x, attrs) => {
  const { view, shape } = tileView(viewOf(x), attrs.repeats, 'tile');
  return { shape, x: view };
});
