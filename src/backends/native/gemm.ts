/** gemm on the native backend: Y = alpha * op(A) op(B) (+ beta * C), one packed product (native/src/gemm*.c). */
import type { GemmParams } from '../../kernels/gemm.js';
import { pointer } from '../wasm/shape.js';
import type { NativeImpl } from './context.js';
import { nativeFloats, nativeProduct } from './matmul.js';

export const gemmNative: NativeImpl<GemmParams> = {
  supports: (_plan, inputs) => nativeFloats(inputs),
  run(ctx, plan, [a, b, c], [y]) {
    const { m, n, k, alpha, beta, a: av, b: bv, c: cv } = plan.params;
    const src = cv === null ? null : { ptr: pointer(c!, cv), rs: cv.strides[0]!, cs: cv.strides[1]! };
    const pa = { ptr: pointer(a!, av), rs: av.strides[0]!, cs: av.strides[1]! };
    const pb = { ptr: pointer(b!, bv), rs: bv.strides[0]!, cs: bv.strides[1]! };
    nativeProduct(ctx, y!.dtype, pa, pb, y!.storage.byteOffset, m, n, k, alpha, src, beta);
  },
};
