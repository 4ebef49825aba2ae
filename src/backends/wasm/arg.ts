import type { ArgParams } from '../../kernels/arg.js';
import type { Plan } from '../../kernels/kernel.js';
import { rowStrides, sizeOf } from '../../tensor/layout.js';
import { floatOnly, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

/** The dims other than the axis merged to 2 (output order), with x's strides. */
function others(plan: Plan<ArgParams>) {
  const { axis, x } = plan.params;
  const shape = x.shape.filter((_, i) => i !== axis);
  return padTo(mergeDims(shape, [x.strides.filter((_, i) => i !== axis), rowStrides(shape)]), 2);
}

/** argMax and argMin: one int64 index per row of assembly/arg.ts (float32 SIMD, float64 scalar). */
export function argWasm(largest: boolean): WasmImpl<ArgParams> {
  return {
    supports(plan, inputs) {
      const dtype = floatOnly(inputs);
      if (dtype !== true) {
        return dtype;
      }
      return others(plan) === null ? 'wasm argMax / argMin handle at most 2 other dims after merging' : true;
    },
    run(ctx, plan, [x], [y]) {
      const kept = others(plan)!;
      const [k0, k1] = kept.shape as [number, number];
      const { axis, selectLastIndex, x: xv } = plan.params;
      const rows = k0 * k1;
      const threads = ctx.threadsFor(sizeOf(xv.shape));
      const px = pointer(x!, xv);
      ctx.pool.parallel(x!.dtype === 'float64' ? 'argLinesF64' : 'argLines', (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [largest ? 1 : 0, selectLastIndex ? 1 : 0, px, k1, ...kept.strides[0]!, xv.shape[axis]!, xv.strides[axis]!, y!.storage.byteOffset, ...range];
      });
    },
  };
}
