/**
 * The shared loops of element-wise unary kernels over any strides.
 */
import type { MapParams, UnaryParams } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import type { KernelImpl } from '../backend.js';
import { dtypeInfo } from '../../tensor/dtype.js';
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

type Scalar = number | bigint;

/**
 * A reference element-wise kernel: `y = f(x, attrs)` for every element, in float64 for number
 * dtypes (the store rounds to float32, or wraps integers as C does) and with `big` for int64 /
 * uint64 (BigInt64Array stores wrap modulo 2^64). Kernels without `big` take no 64-bit integers.
 */
export function mapRef<A>(kernel: string, f: (v: number, attrs: Readonly<Required<A>>) => number, big?: (v: bigint, attrs: Readonly<Required<A>>) => bigint): KernelImpl<MapParams<A>> {
  return (plan, [x], [y]) => {
    const { shape, x: xv, y: yv, attrs } = plan.params;
    const X = x!.data(kernel);
    const Y = y!.data(kernel);
    const n = rowLength(shape);
    const xs = lastStride(xv.strides);
    const ys = lastStride(yv.strides);
    const op = (dtypeInfo(x!.dtype).bigint ? (v: Scalar) => big!(v as bigint, attrs) : (v: Scalar) => f(v as number, attrs)) as (v: Scalar) => never;
    forEachRow(shape, [xv.strides, yv.strides], [xv.offset, yv.offset], ([xo, yo]) => {
      for (let j = 0; j < n; j++) {
        Y[yo! + j * ys] = op(X[xo! + j * xs]!);
      }
    });
  };
}
