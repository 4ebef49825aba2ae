import type { MatmulParams } from '../../kernels/matmul.js';
import { forEachElement } from '../../tensor/layout.js';
import { dtypeInfo, type DType } from '../../tensor/dtype.js';
import { floatOnly, type WasmContext, type WasmImpl } from './context.js';
import { pointer, rowRange } from './shape.js';

/** Blocking of assembly/matmul.ts (MR, KC, MC, NC there); NR is two SIMD vectors. */
const MR = 4;
const KC = 256;
const MC = 64;
const NC = 4096;

/** Bytes of packing scratch one thread needs (packed B block, packed A block, edge tile). */
export function matmulScratchBytes(n: number, k: number, elementBytes: number): number {
  const nr = 32 / elementBytes;
  const kc = Math.min(KC, k);
  const panels = Math.ceil(Math.min(NC, n) / nr);
  return (panels * nr * kc + MC * kc + MR * nr) * elementBytes;
}

/** Element strides of one matrix operand: row stride, column stride. */
export interface MatrixArgs {
  readonly ptr: number;
  readonly rs: number;
  readonly cs: number;
}

/**
 * C[m, n] (row-major at `c`) = beta * src (or 0 when src is null) + alpha * A * B, rows split
 * across threads in one dispatch, each thread with its own packing scratch.
 */
export function productRows(ctx: WasmContext, dtype: DType, a: MatrixArgs, b: MatrixArgs, c: number, m: number, n: number, k: number, alpha: number, src: MatrixArgs | null, beta: number): void {
  // Below about 2^25 multiply-adds (n = 320 square) waking the pool costs more than it saves
  // (measured by bench/: n = 256 ran 0.80 ms on 2 threads, 0.75 ms on 1).
  const threads = Math.min(ctx.threadsFor((m * n * k) / 1024), Math.max(1, Math.ceil(m / MR)));
  const perThread = matmulScratchBytes(n, k, dtypeInfo(dtype).bytes);
  const scratch = ctx.scratch(perThread, threads);
  const init = [src?.ptr ?? 0, src?.rs ?? 0, src?.cs ?? 0, beta];
  ctx.pool.parallel(dtype === 'float64' ? 'matmulF64' : 'matmul', (t) => {
    const range = t < threads ? rowRange(m, threads, t, MR) : null;
    return range === null ? null : [a.ptr, a.rs, a.cs, b.ptr, b.rs, b.cs, c, n, m, n, k, alpha, ...init, ...range, scratch + t * perThread];
  });
}

export const matmulWasm: WasmImpl<MatmulParams> = {
  supports: (_plan, inputs) => floatOnly(inputs),
  run(ctx, plan, [a, b], [c]) {
    const { batch, m, n, k, a: av, b: bv, out } = plan.params;
    const r = batch.length;
    const batchStrides = [av.strides.slice(0, r), bv.strides.slice(0, r), out.strides.slice(0, r)];
    forEachElement(batch, batchStrides, [av.offset, bv.offset, 0], ([ao, bo, co]) => {
      const pc = c!.storage.byteOffset + co! * dtypeInfo(c!.dtype).bytes;
      const pa = { ptr: pointer(a!, { ...av, offset: ao! }), rs: av.strides[r]!, cs: av.strides[r + 1]! };
      const pb = { ptr: pointer(b!, { ...bv, offset: bo! }), rs: bv.strides[r]!, cs: bv.strides[r + 1]! };
      productRows(ctx, c!.dtype, pa, pb, pc, m, n, k, 1, null, 0);
    });
  },
};
