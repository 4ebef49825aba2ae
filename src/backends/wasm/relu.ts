import { outputView } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import type { UnaryParams } from '../../kernels/relu.js';
import { sizeOf } from '../../tensor/layout.js';
import { float32Only, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

function space(plan: Plan<UnaryParams>) {
  return padTo(mergeDims(plan.params.shape, [plan.params.x.strides, outputView(plan.params.shape).strides]), 4);
}

export const reluWasm: WasmImpl<UnaryParams> = {
  supports(plan, inputs) {
    const dtype = float32Only(inputs);
    if (dtype !== true) {
      return dtype;
    }
    return space(plan) === null ? 'wasm relu iterates at most 4 dims after merging; this view has more' : true;
  },
  run(ctx, plan, [x], [y]) {
    const { shape, strides } = space(plan)!;
    const [d0, d1, d2, d3] = shape as [number, number, number, number];
    const rows = d0 * d1 * d2;
    const threads = ctx.threadsFor(sizeOf(shape));
    const px = pointer(x!, plan.params.x);
    ctx.pool.parallel('relu', (t) => {
      const range = t < threads ? rowRange(rows, threads, t) : null;
      return range === null ? null : [px, ...strides[0]!, y!.storage.byteOffset, d1, d2, d3, ...range];
    });
  },
};
