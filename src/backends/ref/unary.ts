/**
 * The shared loop of elementwise unary kernels over any strides.
 */
import type { UnaryParams } from '../../kernels/relu.js';
import type { Plan } from '../../kernels/kernel.js';
import type { Inputs } from '../../kernels/kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { forEachRow, lastStride, rowLength } from '../../tensor/layout.js';

export function unaryRef<P extends UnaryParams>(kernel: string, plan: Plan<P>, [x]: Inputs, [y]: readonly Tensor[], f: (v: number) => number): void {
  const { shape, x: xv, y: yv } = plan.params;
  const X = x!.data(kernel);
  const Y = y!.data(kernel);
  const n = rowLength(shape);
  const xs = lastStride(xv.strides);
  const ys = lastStride(yv.strides);
  forEachRow(shape, [xv.strides, yv.strides], [xv.offset, yv.offset], ([xo, yo]) => {
    for (let j = 0; j < n; j++) {
      Y[yo! + j * ys] = f(X[xo! + j * xs] as number);
    }
  });
}
