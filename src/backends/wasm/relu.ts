import { outputView } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import type { UnaryParams } from '../../kernels/relu.js';
import { sizeOf } from '../../tensor/layout.js';
import { float32Only, layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange, splitLongRows } from './shape.js';

function space(plan: Plan<UnaryParams>) {
  return padTo(splitLongRows(mergeDims(plan.params.shape, [plan.params.x.strides, outputView(plan.params.shape).strides]), 4), 4);
}

/**
 * An elementwise kernel over a 4-d strided x and row-major y (relu, gelu, transpose's copy):
 * the export takes `lead` arguments, then x, its 4 strides, y, d1, d2, d3 and a row range.
 */
export function unaryWasm<P extends UnaryParams>(kernel: string, exportName: string, lead: (plan: Plan<P>) => number[]): WasmImpl<P> {
  return {
    supports(plan, inputs) {
      const dtype = float32Only(inputs);
      if (dtype !== true) {
        return dtype;
      }
      return space(plan) === null ? layoutDecline(`wasm ${kernel} iterates at most 4 dims after merging; this view has more`) : true;
    },
    run(ctx, plan, [x], [y]) {
      const { shape, strides } = space(plan)!;
      const [d0, d1, d2, d3] = shape as [number, number, number, number];
      const rows = d0 * d1 * d2;
      const threads = ctx.threadsFor(sizeOf(shape));
      const px = pointer(x!, plan.params.x);
      const first = lead(plan);
      ctx.pool.parallel(exportName, (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [...first, px, ...strides[0]!, y!.storage.byteOffset, d1, d2, d3, ...range];
      });
    },
  };
}

export const reluWasm = unaryWasm<UnaryParams>('relu', 'relu', () => []);
