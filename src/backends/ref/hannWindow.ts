/**
 * hannWindow reference: w[n] = sin^2(pi n / M) in float64. The sin^2 form equals
 * 0.5 - 0.5 cos(2 pi n / M) but has no cancellation near n = 0, where the window is small.
 */
import type { KernelImpl } from '../backend.js';
import type { HannWindowParams } from '../../kernels/hannWindow.js';

export const hannWindowRef: KernelImpl<HannWindowParams> = (plan, _inputs, [y]) => {
  const { size, denominator, y: yv } = plan.params;
  const Y = y!.data('hannWindow');
  const step = yv.strides[0]!;
  for (let n = 0; n < size; n++) {
    // denominator 0: the symmetric window of size 1, defined as [1].
    const w = denominator === 0 ? 1 : Math.sin((Math.PI * n) / denominator) ** 2;
    Y[yv.offset + n * step] = w;
  }
};
