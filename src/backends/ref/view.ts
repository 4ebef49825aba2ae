import type { ViewParams } from '../../kernels/view.js';
import { rowStrides } from '../../tensor/layout.js';
import { copyStrided } from '../../tensor/tensor.js';
import type { KernelImpl } from '../backend.js';

/** The copy kernels that are views in the API: the planned view of x, copied row-major. */
export function viewCopyRef(kernel: string): KernelImpl<ViewParams> {
  return (plan, [x], [y]) => {
    const view = plan.params.x;
    copyStrided(x!.data(kernel), view, y!.data(kernel), { shape: view.shape, strides: rowStrides(view.shape), offset: 0 });
  };
}
