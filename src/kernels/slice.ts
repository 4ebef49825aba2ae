/**
 * slice(x, { starts, ends, axes, steps }): a copy of a strided sub-range, as ONNX Slice: for each
 * listed axis (default 0..n-1), [start, end) by step (default 1, negative walks backwards);
 * negative bounds count from the end and bounds clamp to the axis. For the zero-copy view use
 * `tensor.slice()`. Any dtype. Throws ARGUMENT (lengths differ, step 0, axis out of range or repeated).
 */
import { defineViewKernel, viewOf } from './view.js';
import { sliceView } from '../tensor/views.js';

export interface SliceAttrs {
  starts?: readonly number[] | undefined;
  ends?: readonly number[] | undefined;
  axes?: readonly number[] | undefined;
  steps?: readonly number[] | undefined;
}

export const slice = defineViewKernel<SliceAttrs>('slice', { starts: undefined, ends: undefined, axes: undefined, steps: undefined }, (x, attrs) => {
  const view = sliceView(viewOf(x), attrs.starts, attrs.ends, attrs.axes, attrs.steps, 'slice');
  return { shape: view.shape, x: view };
});
