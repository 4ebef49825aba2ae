import type { CumSumParams } from '../../kernels/cumSum.js';
import { forEachElement, rowStrides } from '../../tensor/layout.js';
import type { KernelImpl } from '../backend.js';

/**
 * Walks each line along the axis (backwards for reverse) keeping a running sum: float64 for
 * floats (rounded once per stored output), BigInt for 64-bit integers and 32-bit integers
 * wrapped by the store, as C's unsigned arithmetic would.
 */
export const cumSumRef: KernelImpl<CumSumParams> = (plan, [x], [y]) => {
  const { axis, exclusive, reverse, x: xv } = plan.params;
  const X = x!.data('cumSum');
  const Y = y!.data('cumSum');
  const yStrides = rowStrides(xv.shape);
  const n = xv.shape[axis]!;
  const keep = (_: number, i: number): boolean => i !== axis;
  const big = y!.dtype === 'int64' || y!.dtype === 'uint64';
  // 32-bit integers wrap at every step (as C does), so the float64 sum stays exact.
  const add = y!.dtype === 'int32' ? (a: number, b: number) => (a + b) | 0 : y!.dtype === 'uint32' ? (a: number, b: number) => (a + b) >>> 0 : (a: number, b: number) => a + b;
  forEachElement(xv.shape.filter(keep), [xv.strides.filter(keep), yStrides.filter(keep)], [xv.offset, 0], ([xo, yo]) => {
    let sum = 0;
    let bigSum = 0n;
    for (let step = 0; step < n; step++) {
      const i = reverse ? n - 1 - step : step;
      const v = X[xo! + i * xv.strides[axis]!]!;
      if (exclusive) {
        Y[yo! + i * yStrides[axis]!] = big ? bigSum : sum;
      }
      if (big) {
        bigSum += v as bigint;
      } else {
        sum = add(sum, v as number);
      }
      if (!exclusive) {
        Y[yo! + i * yStrides[axis]!] = big ? bigSum : sum;
      }
    }
  });
};
