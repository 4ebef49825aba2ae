/**
 * Element-wise kernels on the native addon where they pay over wasm (native/src/rows_map.h):
 * exp and sigmoid in float32, which wasm runs compute-bound in 128-bit lanes (61-81% of copy
 * bandwidth in npm run bench); float64 and non-contiguous views are declined (a row-major copy
 * runs here; float64 runs on wasm).
 */
import type { MapParams } from '../../kernels/broadcast.js';
import { sizeOf } from '../../tensor/layout.js';
import { layoutDecline } from '../wasm/context.js';
import { mergeDims, pointer } from '../wasm/shape.js';
import type { NativeImpl } from './context.js';

/** Op codes of native/src/rows.h (HP_MAP_*). */
const OPS = { exp: 0, sigmoid: 1 } as const;

/** The native implementation of the element-wise kernel `kernel`. */
export function mapNative<A>(kernel: keyof typeof OPS): NativeImpl<MapParams<A>> {
  return {
    supports(plan, [x]) {
      if (x!.dtype !== 'float32') {
        return `native ${kernel} is float32; ${x!.describe()} runs elsewhere`;
      }
      const merged = mergeDims(plan.params.shape, [plan.params.x.strides]);
      const contiguous = merged.shape.length === 0 || (merged.shape.length === 1 && merged.strides[0]![0] === 1);
      return contiguous || sizeOf(plan.params.shape) === 0 ? true : layoutDecline(`native ${kernel} needs x contiguous`);
    },
    run(ctx, plan, [x], [y]) {
      const n = sizeOf(plan.params.shape);
      if (n === 0) {
        return;
      }
      ctx.call('mapF32', OPS[kernel], pointer(x!, plan.params.x), y!.storage.byteOffset, n, ctx.threadsFor(n));
    },
  };
}
