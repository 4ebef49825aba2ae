import type { ReduceParams } from '../../kernels/reduce.js';
import { sizeOf } from '../../tensor/layout.js';
import { floatOnly, type WasmImpl } from './context.js';
import { reduceBlocks } from './reduceSum.js';
import { pointer, rowRange } from './shape.js';

/** reduceMax and reduceMin: one output per row of assembly/extremum.ts, float32 or float64. */
export function extremeWasm(largest: boolean): WasmImpl<ReduceParams> {
  return {
    supports(plan, inputs) {
      const dtype = floatOnly(inputs);
      if (dtype !== true) {
        return dtype;
      }
      return reduceBlocks(plan) === null ? 'wasm reductions handle at most 2 kept and 2 reduced dims after merging' : true;
    },
    run(ctx, plan, [x], [y]) {
      const { kept, sum } = reduceBlocks(plan)!;
      const [k0, k1] = kept.shape as [number, number];
      const [r0, r1] = sum.shape as [number, number];
      const rows = k0 * k1;
      const threads = ctx.threadsFor(sizeOf(plan.params.x.shape));
      const px = pointer(x!, plan.params.x);
      ctx.pool.parallel(y!.dtype === 'float64' ? 'extremeLinesF64' : 'extremeLines', (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [largest ? 1 : 0, px, k1, ...kept.strides[0]!, r0, r1, ...sum.strides[0]!, y!.storage.byteOffset, ...range];
      });
    },
  };
}
