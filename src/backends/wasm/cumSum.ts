import type { CumSumParams } from '../../kernels/cumSum.js';
import type { Plan } from '../../kernels/kernel.js';
import { rowStrides, sizeOf } from '../../tensor/layout.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

const KIND: Readonly<Record<string, number>> = { float32: 0, float64: 1, int32: 2, uint32: 2, int64: 3, uint64: 3 };

/** The dims other than the axis merged to 2, with x's and y's strides; y's axis stride. */
function lines(plan: Plan<CumSumParams>) {
  const { axis, x } = plan.params;
  const yStrides = rowStrides(x.shape);
  const keep = (_: number, i: number): boolean => i !== axis;
  const other = padTo(mergeDims(x.shape.filter(keep), [x.strides.filter(keep), yStrides.filter(keep)]), 2);
  return other === null ? null : { other, ya: yStrides[axis]! };
}

/** One line per row of assembly/cumSum.ts, split among threads. */
export const cumSumWasm: WasmImpl<CumSumParams> = {
  supports: (plan) => (lines(plan) === null ? layoutDecline('wasm cumSum walks at most 2 other dims after merging') : true),
  run(ctx, plan, [x], [y]) {
    const { other, ya } = lines(plan)!;
    const { axis, exclusive, reverse, x: xv } = plan.params;
    const [k0, k1] = other.shape as [number, number];
    const rows = k0 * k1;
    const threads = ctx.threadsFor(sizeOf(xv.shape));
    ctx.pool.parallel('cumSumLines', (t) => {
      const range = t < threads ? rowRange(rows, threads, t) : null;
      return range === null
        ? null
        : [KIND[y!.dtype]!, exclusive ? 1 : 0, reverse ? 1 : 0, pointer(x!, xv), k1, ...other.strides[0]!, xv.strides[axis]!, y!.storage.byteOffset, ...other.strides[1]!, ya, xv.shape[axis]!, ...range];
    });
  },
};
