import type { GemmParams } from '../../kernels/gemm.js';
import { floatOnly, type WasmImpl } from './context.js';
import { productRows } from './matmul.js';
import { pointer } from './shape.js';

/** Y = beta * C (or 0) + alpha * op(A) op(B), in one dispatch of the packed product. */
export const gemmWasm: WasmImpl<GemmParams> = {
  supports: (_plan, inputs) => floatOnly(inputs),
  run(ctx, plan, [a, b, c], [y]) {
    const { m, n, k, alpha, beta, a: av, b: bv, c: cv } = plan.params;
    const py = y!.storage.byteOffset;
    const src = cv === null ? null : { ptr: pointer(c!, cv), rs: cv.strides[0]!, cs: cv.strides[1]! };
    const pa = { ptr: pointer(a!, av), rs: av.strides[0]!, cs: av.strides[1]! };
    const pb = { ptr: pointer(b!, bv), rs: bv.strides[0]!, cs: bv.strides[1]! };
    productRows(ctx, y!.dtype, pa, pb, py, m, n, k, alpha, src, beta);
  },
};
