import type { KernelImpl } from '../backend.js';
import type { TransposeParams } from '../../kernels/transpose.js';
import { rowStrides } from '../../tensor/layout.js';
import { copyStrided } from '../../tensor/tensor.js';

export const transposeRef: KernelImpl<TransposeParams> = (plan, [x], [y]) => {
  const view = plan.params.x;
  copyStrided(x!.data('transpose'), view, y!.data('transpose'), { shape: view.shape, strides: rowStrides(view.shape), offset: 0 });
};
