import type { BinaryParams } from '../../kernels/broadcast.js';
import { outputView } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import { sizeOf } from '../../tensor/layout.js';
import { float32Only, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

/** add and mul: one 4-d strided loop in assembly/binary.ts, split by rows. */
export function binaryWasm(name: 'add' | 'mul'): WasmImpl<BinaryParams> {
  const space = (plan: Plan<BinaryParams>) => {
    const { shape, a, b } = plan.params;
    return padTo(mergeDims(shape, [a.strides, b.strides, outputView(shape).strides]), 4);
  };
  return {
    supports(plan, inputs) {
      const dtype = float32Only(inputs);
      if (dtype !== true) {
        return dtype;
      }
      return space(plan) === null ? 'wasm add/mul iterate at most 4 dims after merging; this view has more' : true;
    },
    run(ctx, plan, [a, b], [c]) {
      const { shape, strides } = space(plan)!;
      const [as, bs] = strides as [number[], number[]];
      const [d0, d1, d2, d3] = shape as [number, number, number, number];
      const rows = d0 * d1 * d2;
      const threads = ctx.threadsFor(sizeOf(shape));
      const pa = pointer(a!, plan.params.a);
      const pb = pointer(b!, plan.params.b);
      const pc = c!.storage.byteOffset;
      ctx.pool.parallel(name, (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [pa, ...as, pb, ...bs, pc, d1, d2, d3, ...range];
      });
    },
  };
}

export const addWasm = binaryWasm('add');
