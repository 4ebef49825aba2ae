import type { Plan } from '../../kernels/kernel.js';
import type { TopKParams } from '../../kernels/topK.js';
import { rowStrides, sizeOf } from '../../tensor/layout.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

const KIND: Readonly<Record<string, number>> = { float32: 0, float64: 1, int8: 2, uint8: 3, int16: 4, uint16: 5, int32: 6, uint32: 7, int64: 8, uint64: 9 };

/** The dims other than the axis merged to 2, with x's and the outputs' strides. */
function lines(plan: Plan<TopKParams>) {
  const { axis, x } = plan.params;
  const outStrides = rowStrides(plan.outputs[0]!.shape);
  const keep = (_: number, i: number): boolean => i !== axis;
  const other = padTo(mergeDims(x.shape.filter(keep), [x.strides.filter(keep), outStrides.filter(keep)]), 2);
  return other === null ? null : { other, ya: outStrides[axis]! };
}

/** One stable merge sort per line (assembly/topK.ts) in per-thread scratch, lines split among threads. */
export const topKWasm: WasmImpl<TopKParams> = {
  supports: (plan) => (lines(plan) === null ? layoutDecline('wasm topK walks at most 2 other dims after merging') : true),
  run(ctx, plan, [x], [values, indices]) {
    const { other, ya } = lines(plan)!;
    const { axis, k, largest, x: xv } = plan.params;
    const [k0, k1] = other.shape as [number, number];
    const n = xv.shape[axis]!;
    const rows = k0 * k1;
    const threads = ctx.threadsFor(sizeOf(xv.shape));
    // Two int32 index buffers of n per thread (the merge sort's source and target).
    const perThread = Math.max(8 * n, 64);
    const scratch = ctx.scratch(perThread, threads);
    const per = Math.ceil(perThread / 64) * 64;
    ctx.pool.parallel('topKLines', (t) => {
      const range = t < threads ? rowRange(rows, threads, t) : null;
      return range === null
        ? null
        : [KIND[x!.dtype]!, largest ? 1 : 0, k, pointer(x!, xv), k1, ...other.strides[0]!, xv.strides[axis]!, n, values!.storage.byteOffset, indices!.storage.byteOffset, ...other.strides[1]!, ya, scratch + t * per, ...range];
    });
  },
};
