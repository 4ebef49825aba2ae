import type { BinaryParams } from '../../kernels/broadcast.js';
import { outputView } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import type { DType } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/layout.js';
import { float32Only, layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange, splitLongRows } from './shape.js';

/** Integer dtypes and float64 by the type code of assembly/binaryInt.ts (scalar loops). */
const INT_TYPES: readonly DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float64'];

/** add and mul: one 4-d strided loop in assembly/binary.ts (binaryInt.ts for integers), split by rows. */
export function binaryWasm(name: 'add' | 'mul'): WasmImpl<BinaryParams> {
  const space = (plan: Plan<BinaryParams>) => {
    const { shape, a, b } = plan.params;
    return padTo(splitLongRows(mergeDims(shape, [a.strides, b.strides, outputView(shape).strides]), 4), 4);
  };
  return {
    supports(plan, inputs) {
      const dtype = plan.outputs[0]!.dtype;
      if (dtype !== 'float32' && INT_TYPES.indexOf(dtype) < 0) {
        return float32Only(inputs);
      }
      return space(plan) === null ? layoutDecline('wasm add/mul iterate at most 4 dims after merging; this view has more') : true;
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
      const type = INT_TYPES.indexOf(c!.dtype);
      // Integers and float64 go through binaryInt (op code, type code first); float32 through add / mul.
      const lead = type < 0 ? [] : [name === 'add' ? 0 : 1, type];
      ctx.pool.parallel(type < 0 ? name : 'binaryInt', (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [...lead, pa, ...as, pb, ...bs, pc, d1, d2, d3, ...range];
      });
    },
  };
}

export const addWasm = binaryWasm('add');
