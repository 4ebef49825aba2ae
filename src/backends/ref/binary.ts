/**
 * The shared loop of the broadcasting binary kernels: walks a, b and the output together.
 */
import type { KernelImpl } from '../backend.js';
import type { BinaryParams } from '../../kernels/broadcast.js';
import { outputView } from '../../kernels/broadcast.js';
import { forEachRow, lastStride, rowLength } from '../../tensor/layout.js';
import { dtypeInfo, type TypedArray } from '../../tensor/dtype.js';

type NumberOp = (x: number, y: number) => number;
type BigOp = (x: bigint, y: bigint) => bigint;

/**
 * Builds a reference binary kernel. Number ops run in float64; storing rounds or wraps. `int32Op`
 * replaces numberOp for int32/uint32 (exact products), `intOp` for every integer stored as a
 * number (truncating division). A kernel whose output is not 64-bit (equal on int64) gets
 * BigInt elements in numberOp, which JS compares exactly.
 */
export function binaryRef(kernel: string, numberOp: NumberOp, bigOp: BigOp, int32Op?: NumberOp, intOp?: NumberOp): KernelImpl<BinaryParams> {
  return (plan, [a, b], [c]) => {
    const { shape, a: av, b: bv } = plan.params;
    const A = a!.data(kernel);
    const B = b!.data(kernel);
    const C = c!.data(kernel);
    const cv = outputView(shape);
    const n = rowLength(shape);
    const as = lastStride(av.strides);
    const bs = lastStride(bv.strides);
    const cs = lastStride(cv.strides);
    const dtype = c!.dtype;
    const integer = !dtypeInfo(dtype).float && dtype !== 'bool';
    const op = (dtype === 'int32' || dtype === 'uint32') && int32Op !== undefined ? int32Op : integer && intOp !== undefined ? intOp : numberOp;
    const big = dtype === 'int64' || dtype === 'uint64';
    forEachRow(shape, [av.strides, bv.strides, cv.strides], [av.offset, bv.offset, cv.offset], ([ao, bo, co]) => {
      if (big) {
        bigRow(A, B, C, ao!, bo!, co!, as, bs, cs, n, bigOp);
        return;
      }
      for (let j = 0; j < n; j++) {
        C[co! + j * cs] = op(A[ao! + j * as] as number, B[bo! + j * bs] as number);
      }
    });
  };
}

function bigRow(A: TypedArray, B: TypedArray, C: TypedArray, ao: number, bo: number, co: number, as: number, bs: number, cs: number, n: number, op: BigOp): void {
  for (let j = 0; j < n; j++) {
    // BigInt64Array / BigUint64Array wrap the stored value modulo 2^64, as C does.
    C[co + j * cs] = op(A[ao + j * as] as bigint, B[bo + j * bs] as bigint);
  }
}
