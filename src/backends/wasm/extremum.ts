import type { Inputs } from '../../kernels/kernel.js';
import type { ReduceParams } from '../../kernels/reduce.js';
import { sizeOf } from '../../tensor/layout.js';
import type { WasmImpl } from './context.js';
import { reduceBlocks } from './reduceSum.js';
import { pointer, rowRange } from './shape.js';

/** The assembly export for x's dtype, or the reason there is none. */
function exportFor(inputs: Inputs): string | { readonly reason: string } {
  const dtype: string = inputs[0]!.dtype;
  switch (dtype) {
    case 'float32':
      return 'extremeLines';
    case 'float64':
      return 'extremeLinesF64';
    case 'uint8':
    case 'bool':
      return 'extremeLinesU8';
    default:
      return { reason: `wasm reduceMax / reduceMin run float32, float64, uint8 and bool; ${inputs[0]!.describe()} runs on ref` };
  }
}

/** reduceMax and reduceMin: one output per row of assembly/extremum.ts, on every thread. */
export function extremeWasm(largest: boolean): WasmImpl<ReduceParams> {
  return {
    supports(plan, inputs) {
      const name = exportFor(inputs);
      if (typeof name !== 'string') {
        return name.reason;
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
      const name = exportFor([x]) as string;
      // The empty-set identity of the byte types: false / 0 for max, true (1) or 255 for min.
      const identity = name === 'extremeLinesU8' ? [largest ? 0 : (x!.dtype as string) === 'bool' ? 1 : 255] : [];
      ctx.pool.parallel(name, (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [largest ? 1 : 0, ...identity, px, k1, ...kept.strides[0]!, r0, r1, ...sum.strides[0]!, y!.storage.byteOffset, ...range];
      });
    },
  };
}
