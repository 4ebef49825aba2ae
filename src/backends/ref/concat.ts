import type { ConcatParams } from '../../kernels/concat.js';
import { rowStrides } from '../../tensor/layout.js';
import { copyStrided } from '../../tensor/tensor.js';
import type { KernelImpl } from '../backend.js';

/** Copies each input into its block of the row-major output: the output's strides, offset at its start. */
export const concatRef: KernelImpl<ConcatParams> = (plan, inputs, [y]) => {
  const { axis, inputs: views, starts } = plan.params;
  const Y = y!.data('concat');
  const strides = rowStrides(y!.shape);
  views.forEach((view, i) => {
    copyStrided(inputs[i]!.data('concat'), view, Y, { shape: view.shape, strides, offset: starts[i]! * strides[axis]! });
  });
};
