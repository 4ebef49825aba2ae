import type { BinaryParams } from '../../kernels/broadcast.js';
import { outputView } from '../../kernels/broadcast.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { forEachRow, lastStride, rowLength } from '../../tensor/layout.js';
import type { KernelImpl } from '../backend.js';

/** base^exponent modulo 2^64 by squaring (two's complement bits; the store picks the sign). */
function powWrap(base: bigint, exponent: bigint): bigint {
  if (exponent < 0n) {
    // An integer to a negative power truncates to 0 unless |base| is 1.
    return base === 1n ? 1n : base === -1n ? (exponent % 2n === 0n ? 1n : -1n) : 0n;
  }
  let result = 1n;
  let b = BigInt.asUintN(64, base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if ((e & 1n) === 1n) {
      result = BigInt.asUintN(64, result * b);
    }
    b = BigInt.asUintN(64, b * b);
  }
  return result;
}

/**
 * a^b with the output in a's dtype. Floats: float64 Math.pow, one rounding. Integers: with an
 * integer exponent, the exact power wrapped modulo 2^bits; with a float exponent, Math.pow
 * truncated toward zero (ONNX's reference casts the float power).
 */
export const powRef: KernelImpl<BinaryParams> = (plan, [a, b], [c]) => {
  const { shape, a: av, b: bv } = plan.params;
  const A = a!.data('pow');
  const B = b!.data('pow');
  const C = c!.data('pow');
  const cv = outputView(shape);
  const n = rowLength(shape);
  const [as, bs, cs] = [lastStride(av.strides), lastStride(bv.strides), lastStride(cv.strides)];
  const out = dtypeInfo(c!.dtype);
  const exactInts = !out.float && !dtypeInfo(b!.dtype).float;
  const one = (x: number | bigint, y: number | bigint): number | bigint => {
    if (out.float) {
      return Math.pow(Number(x), Number(y));
    }
    if (exactInts) {
      const p = powWrap(BigInt(x), BigInt(y));
      // Stored into a narrower integer array, the low bits are kept (wrap), as C does.
      return out.bigint ? p : Number(BigInt.asUintN(32, p));
    }
    const v = Math.trunc(Math.pow(Number(x), Number(y)));
    return out.bigint ? (Number.isFinite(v) ? BigInt(v) : 0n) : v;
  };
  forEachRow(shape, [av.strides, bv.strides, cv.strides], [av.offset, bv.offset, cv.offset], ([ao, bo, co]) => {
    for (let j = 0; j < n; j++) {
      C[co! + j * cs] = one(A[ao! + j * as]!, B[bo! + j * bs]!) as never;
    }
  });
};
