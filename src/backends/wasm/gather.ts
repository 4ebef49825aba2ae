import type { GatherParams } from '../../kernels/gather.js';
import type { Plan } from '../../kernels/kernel.js';
import { dtypeInfo, type DType } from '../../tensor/dtype.js';
import { isRowContiguous, sizeOf } from '../../tensor/layout.js';
import type { Inputs } from '../../kernels/kernel.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, pointer, rowRange } from './shape.js';

/** The dims before and after the axis, each merged to one (null when they do not merge). */
function space(plan: Plan<GatherParams>) {
  const { axis, x } = plan.params;
  const before = mergeDims(x.shape.slice(0, axis), [x.strides.slice(0, axis)]);
  const after = mergeDims(x.shape.slice(axis + 1), [x.strides.slice(axis + 1)]);
  if (before.shape.length > 1 || after.shape.length > 1) {
    return null;
  }
  return { ps: before.strides[0]![0] ?? 0, qs: after.strides[0]![0] ?? 1 };
}

function contiguousIndices(inputs: Inputs): boolean {
  const idx = inputs[1]!;
  return isRowContiguous(idx.shape, idx.strides);
}

/** Each output row (before-index, position in indices) is one copy of x's row at that index. */
export const gatherWasm: WasmImpl<GatherParams> = {
  supports: (plan, inputs) => (space(plan) === null || !contiguousIndices(inputs) ? layoutDecline('wasm gather needs the dims before and after the axis to merge into one each, and row-major indices') : true),
  run(ctx, plan, [x, indices], [y]) {
    const { ps, qs } = space(plan)!;
    const { axis, x: xv } = plan.params;
    const m = plan.params.indices.length;
    const p = sizeOf(xv.shape.slice(0, axis));
    const q = sizeOf(xv.shape.slice(axis + 1));
    const rows = p * m;
    const threads = ctx.threadsFor(rows * q);
    const size = dtypeInfo(y!.dtype).bytes;
    const wide = (indices!.dtype as DType) === 'int64' ? 1 : 0;
    const pi = pointer(indices!, { shape: indices!.shape, strides: indices!.strides, offset: indices!.offset });
    ctx.pool.parallel('gather', (t) => {
      const range = t < threads ? rowRange(rows, threads, t) : null;
      return range === null ? null : [size, pointer(x!, xv), ps, xv.strides[axis]!, qs, xv.shape[axis]!, pi, wide, m, q, y!.storage.byteOffset, ...range];
    });
  },
};
