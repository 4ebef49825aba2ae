import type { KernelImpl } from '../backend.js';
import type { Inputs, Plan } from '../../kernels/kernel.js';
import type { AxisParams } from '../../kernels/softmax.js';
import { forEachElement, rowStrides } from '../../tensor/layout.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * Walks every line along `axis`: max, then sum of exp(x - max) in float64, then writes.
 * `log` selects logSoftmax.
 */
export function softmaxLines(kernel: string, plan: Plan<AxisParams>, [x]: Inputs, [y]: readonly Tensor[], log: boolean): void {
  const { shape, axis, x: xv } = plan.params;
  const X = x!.data(kernel);
  const Y = y!.data(kernel);
  const n = shape[axis]!;
  const ys = rowStrides(shape);
  const outer = shape.map((d, i) => (i === axis ? 1 : d));
  const xStep = xv.strides[axis]!;
  const yStep = ys[axis]!;
  forEachElement(outer, [xv.strides, ys], [xv.offset, 0], ([xo, yo]) => {
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = X[xo! + i * xStep] as number;
      // NaN must win, so compare with `!(v <= max)`.
      max = !(v <= max) ? v : max;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += Math.exp((X[xo! + i * xStep] as number) - max);
    }
    const logSum = Math.log(sum);
    for (let i = 0; i < n; i++) {
      const shifted = (X[xo! + i * xStep] as number) - max;
      Y[yo! + i * yStep] = log ? shifted - logSum : Math.exp(shifted) / sum;
    }
  });
}

export const softmaxRef: KernelImpl<AxisParams> = (plan, inputs, outputs) => softmaxLines('softmax', plan, inputs, outputs, false);
