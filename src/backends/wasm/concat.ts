import type { ConcatParams } from '../../kernels/concat.js';
import type { Plan } from '../../kernels/kernel.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { rowStrides, sizeOf } from '../../tensor/layout.js';
import type { ViewSpec } from '../../tensor/tensor.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

/** Input i and its block of the output, merged to 4 dims (null when they need more). */
function spaces(plan: Plan<ConcatParams>) {
  const { axis, inputs, starts } = plan.params;
  const yStrides = rowStrides(plan.outputs[0]!.shape);
  return inputs.map((view: ViewSpec, i) => ({
    view,
    offset: starts[i]! * yStrides[axis]!,
    space: padTo(mergeDims(view.shape, [view.strides, yStrides]), 4),
  }));
}

/** One strided byte copy per input into its block of the output, rows split among threads. */
export const concatWasm: WasmImpl<ConcatParams> = {
  supports: (plan) => (spaces(plan).some((s) => s.space === null) ? layoutDecline('wasm concat copies at most 4 dims after merging; an input has more') : true),
  run(ctx, plan, inputs, [y]) {
    const size = dtypeInfo(y!.dtype).bytes;
    spaces(plan).forEach(({ view, offset, space }, i) => {
      const { shape, strides } = space!;
      const [d0, d1, d2, d3] = shape as [number, number, number, number];
      const rows = d0 * d1 * d2;
      const threads = ctx.threadsFor(sizeOf(shape));
      const px = pointer(inputs[i]!, view);
      const py = y!.storage.byteOffset + offset * size;
      ctx.pool.parallel('concat', (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [size, px, ...strides[0]!, py, ...strides[1]!, d1, d2, d3, ...range];
      });
    });
  },
};
