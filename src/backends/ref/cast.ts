import type { CastAttrs } from '../../kernels/cast.js';
import type { MapParams } from '../../kernels/broadcast.js';
import { dtypeInfo, type DType } from '../../tensor/dtype.js';
import { forEachRow, lastStride, rowLength } from '../../tensor/layout.js';
import type { KernelImpl } from '../backend.js';

type Scalar = number | bigint;

/**
 * One element converted to `to`, as the typed-array store then finishes it: float -> integer
 * truncates toward zero (NaN and +-Infinity become 0) and the store wraps modulo 2^bits;
 * BigInt -> a narrower integer keeps its low 32 bits first (the store wraps the rest).
 */
function converter(to: DType): (v: Scalar) => Scalar {
  const info = dtypeInfo(to);
  if (to === 'bool') {
    // numpy: any non-zero value, NaN included, is true.
    return (v) => (typeof v === 'bigint' ? (v !== 0n ? 1 : 0) : v !== 0 ? 1 : 0);
  }
  if (info.float) {
    return (v) => Number(v);
  }
  if (info.bigint) {
    return (v) => (typeof v === 'bigint' ? v : Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n);
  }
  return (v) => (typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : Number.isFinite(v) ? Math.trunc(v) : 0);
}

export const castRef: KernelImpl<MapParams<CastAttrs>> = (plan, [x], [y]) => {
  const { shape, x: xv, y: yv, attrs } = plan.params;
  const X = x!.data('cast');
  const Y = y!.data('cast');
  const convert = converter(attrs.to);
  const n = rowLength(shape);
  const xs = lastStride(xv.strides);
  const ys = lastStride(yv.strides);
  forEachRow(shape, [xv.strides, yv.strides], [xv.offset, yv.offset], ([xo, yo]) => {
    for (let j = 0; j < n; j++) {
      Y[yo! + j * ys] = convert(X[xo! + j * xs]!) as never;
    }
  });
};
