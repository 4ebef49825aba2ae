import type { RangeParams } from '../../kernels/range.js';
import type { WasmImpl } from './context.js';
import { rowRange } from './shape.js';

const KIND: Readonly<Record<string, number>> = { float32: 0, float64: 1, int16: 2, int32: 3, int64: 4 };

/**
 * numpy's arange fill over element ranges split among threads. The first two values and the
 * step d = y[1] - y[0] are rounded here as the reference rounds them (float32 in float32).
 */
export const rangeWasm: WasmImpl<RangeParams> = {
  supports: () => true,
  run(ctx, plan, _, [y]) {
    const { start, delta } = plan.params;
    const round = y!.dtype === 'float32' ? Math.fround : (v: number) => v;
    const first = round(start);
    const second = round(start + delta);
    const d = round(second - first);
    const n = y!.size;
    const threads = ctx.threadsFor(n);
    ctx.pool.parallel('range', (t) => {
      const part = t < threads ? rowRange(n, threads, t) : null;
      return part === null ? null : [KIND[y!.dtype]!, first, second, d, y!.storage.byteOffset, ...part];
    });
  },
};
