import type { Plan } from '../../kernels/kernel.js';
import type { ReduceParams } from '../../kernels/reduce.js';
import { rowStrides, sizeOf } from '../../tensor/layout.js';
import { floatOnly, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

/** Kept dims merged to 2 (output order) and reduced dims merged to 2, with x's strides. */
export function reduceBlocks(plan: Plan<ReduceParams>) {
  const { reduced, x } = plan.params;
  const keptShape = x.shape.filter((_, i) => !reduced[i]);
  const kept = padTo(mergeDims(keptShape, [x.strides.filter((_, i) => !reduced[i]), rowStrides(keptShape)]), 2);
  const sum = padTo(mergeDims(x.shape.filter((_, i) => reduced[i]), [x.strides.filter((_, i) => reduced[i])]), 2);
  return kept === null || sum === null ? null : { kept, sum };
}

/** reduceSum and reduceMean: one output per row of assembly/reduce.ts. */
export function reduceWasm(mean: boolean): WasmImpl<ReduceParams> {
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
      ctx.pool.parallel(y!.dtype === 'float64' ? 'reduceLinesF64' : 'reduceLines', (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [mean ? 1 : 0, px, k1, ...kept.strides[0]!, r0, r1, ...sum.strides[0]!, y!.storage.byteOffset, ...range];
      });
    },
  };
}

export const reduceSumWasm = reduceWasm(false);
