/**
 * matmul on the native backend: one packed, register-blocked product per batch element
 * (native/src/gemm*.c), float32 and float64, A and B through any strides.
 */
import type { MatmulParams } from '../../kernels/matmul.js';
import { dtypeInfo, type DType } from '../../tensor/dtype.js';
import { forEachElement } from '../../tensor/layout.js';
import type { Inputs } from '../../kernels/kernel.js';
import type { MatrixArgs } from '../wasm/matmul.js';
import { pointer } from '../wasm/shape.js';
import type { NativeContext, NativeImpl } from './context.js';

/** true for float32 / float64 operands, else why native declines. */
export function nativeFloats(inputs: Inputs): true | string {
  const other = inputs.find((t) => t !== undefined && t.dtype !== 'float32' && t.dtype !== 'float64');
  return other === undefined ? true : `native runs float32 and float64 only; ${other.describe()} runs elsewhere`;
}

/**
 * C[m, n] (row-major at byte offset `c`) = alpha * A B (+ beta * src when src is not null), on
 * up to all the addon's threads for large products (multiply-adds / 1024 against the runtime's
 * parallelThreshold). Offsets in bytes, strides in elements.
 */
export function nativeProduct(ctx: NativeContext, dtype: DType, a: MatrixArgs, b: MatrixArgs, c: number, m: number, n: number, k: number, alpha: number, src: MatrixArgs | null, beta: number): void {
  const threads = ctx.threadsFor((m * n * k) / 1024);
  const s = src ?? { ptr: 0, rs: 0, cs: 0 };
  ctx.call(dtype === 'float64' ? 'gemmF64' : 'gemmF32', a.ptr, a.rs, a.cs, b.ptr, b.rs, b.cs, c, n, m, n, k, alpha, s.ptr, s.rs, s.cs, beta, src === null ? 0 : 1, threads);
}

export const matmulNative: NativeImpl<MatmulParams> = {
  supports: (_plan, inputs) => nativeFloats(inputs),
  run(ctx, plan, [a, b], [c]) {
    const { batch, m, n, k, a: av, b: bv, out } = plan.params;
    const r = batch.length;
    const bytes = dtypeInfo(c!.dtype).bytes;
    const batchStrides = [av.strides.slice(0, r), bv.strides.slice(0, r), out.strides.slice(0, r)];
    forEachElement(batch, batchStrides, [av.offset, bv.offset, 0], ([ao, bo, co]) => {
      const pa = { ptr: pointer(a!, { ...av, offset: ao! }), rs: av.strides[r]!, cs: av.strides[r + 1]! };
      const pb = { ptr: pointer(b!, { ...bv, offset: bo! }), rs: bv.strides[r]!, cs: bv.strides[r + 1]! };
      nativeProduct(ctx, c!.dtype, pa, pb, c!.storage.byteOffset + co! * bytes, m, n, k, 1, null, 0);
    });
  },
};
