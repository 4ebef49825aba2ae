import type { Inputs, Plan } from '../../kernels/kernel.js';
import type { ReduceParams } from '../../kernels/reduce.js';
import { eachOffset, forEachElement } from '../../tensor/layout.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * For each output element (the kept dims), sums the reduced dims. Floats use Neumaier's
 * compensated sum in float64; int32 wraps with `| 0`; int64 sums BigInt (the store wraps).
 */
export function reduceLines(kernel: string, plan: Plan<ReduceParams>, [x]: Inputs, [y]: readonly Tensor[], mean: boolean): void {
  const { reduced, count, x: xv } = plan.params;
  const X = x!.data(kernel);
  const Y = y!.data(kernel);
  const keptShape = xv.shape.filter((_, i) => !reduced[i]);
  const keptStrides = xv.strides.filter((_, i) => !reduced[i]);
  const sumShape = xv.shape.filter((_, i) => reduced[i]);
  const sumStrides = xv.strides.filter((_, i) => reduced[i]);
  const dtype = y!.dtype;
  let out = 0;
  forEachElement(keptShape, [keptStrides], [xv.offset], ([base]) => {
    if (dtype === 'int64') {
      let big = 0n;
      eachOffset(sumShape, sumStrides, base!, (off) => {
        big += X[off] as bigint;
      });
      Y[out++] = big;
      return;
    }
    if (dtype === 'int32') {
      let int = 0;
      eachOffset(sumShape, sumStrides, base!, (off) => {
        int = (int + (X[off] as number)) | 0;
      });
      Y[out++] = int;
      return;
    }
    let sum = 0;
    let compensation = 0;
    eachOffset(sumShape, sumStrides, base!, (off) => {
      const v = X[off] as number;
      const t = sum + v;
      // Neumaier: keep the low-order bits lost by whichever addend was smaller.
      compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      sum = t;
    });
    // Infinite sums make the compensation NaN; the plain sum is then the answer.
    const total = Number.isFinite(sum) ? sum + compensation : sum;
    Y[out++] = mean ? total / count : total;
  });
}
