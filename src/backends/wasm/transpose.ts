import type { TransposeParams } from '../../kernels/transpose.js';
import { outputView } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/layout.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange, splitLongRows } from './shape.js';

/** The permuted view of x merged to 4 dims against the row-major output. */
function space(plan: Plan<TransposeParams>) {
  const x = plan.params.x;
  return padTo(splitLongRows(mergeDims(x.shape, [x.strides, outputView(x.shape).strides]), 4), 4);
}

/** A strided copy of bytes, so every dtype runs here. */
export const transposeWasm: WasmImpl<TransposeParams> = {
  supports: (plan) => (space(plan) === null ? layoutDecline('wasm transpose iterates at most 4 dims after merging; this view has more') : true),
  run(ctx, plan, [x], [y]) {
    const { shape, strides } = space(plan)!;
    const [d0, d1, d2, d3] = shape as [number, number, number, number];
    const rows = d0 * d1 * d2;
    const threads = ctx.threadsFor(sizeOf(shape));
    const size = dtypeInfo(y!.dtype).bytes;
    const px = pointer(x!, plan.params.x);
    ctx.pool.parallel('transpose', (t) => {
      const range = t < threads ? rowRange(rows, threads, t) : null;
      return range === null ? null : [size, px, ...strides[0]!, y!.storage.byteOffset, d1, d2, d3, ...range];
    });
  },
};
