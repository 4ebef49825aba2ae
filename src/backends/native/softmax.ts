/**
 * softmax and logSoftmax on the native addon (native/src/rows*.{c,h}): float32 and float64,
 * any axis. Lines along the last axis run one per work unit; for another axis the lines
 * beside each other (the dims after the axis, contiguous in x) run side by side in vector
 * lanes. Views whose dims after the axis are not contiguous, or whose outer dims do not merge
 * into 3, are declined for layout (a row-major copy runs here).
 */
import type { Inputs, Plan } from '../../kernels/kernel.js';
import type { AxisParams } from '../../kernels/softmax.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/layout.js';
import type { Support } from '../backend.js';
import { layoutDecline } from '../wasm/context.js';
import { mergeDims, padTo, pointer, type Merged } from '../wasm/shape.js';
import type { NativeImpl } from './context.js';

/** The call's geometry: outer rows (3 dims, x strides in elements), the axis, the lines beside. */
interface Lines {
  readonly outer: Merged;
  /** x stride along the axis, elements. */
  readonly xa: number;
  /** Elements along the axis. */
  readonly n: number;
  /** Lines side by side: the product of the dims after the axis. */
  readonly inner: number;
}

/** float32 / float64 only: the dtypes the addon's row kernels are built for. */
export function nativeFloat(kernel: string, inputs: Inputs): true | string {
  const other = inputs.find((t) => t !== undefined && t.dtype !== 'float32' && t.dtype !== 'float64');
  return other === undefined ? true : `native ${kernel} is float32 / float64; ${other.describe()} runs elsewhere`;
}

function lines(plan: Plan<AxisParams>): Lines | Support {
  const { shape, axis, x } = plan.params;
  const n = shape[axis]!;
  const after = mergeDims(shape.slice(axis + 1), [x.strides.slice(axis + 1)]);
  if (after.shape.length > 1 || (after.shape.length === 1 && after.strides[0]![0] !== 1)) {
    return layoutDecline('native softmax needs the dims after the axis contiguous in x');
  }
  const inner = sizeOf(after.shape);
  // A size-1 axis is never stepped along.
  const xa = n === 1 ? 1 : x.strides[axis]!;
  if (inner === 1 && xa !== 1) {
    return layoutDecline('native softmax needs x contiguous along the last axis');
  }
  const outer = padTo(mergeDims(shape.slice(0, axis), [x.strides.slice(0, axis)]), 3);
  if (outer === null) {
    return layoutDecline('native softmax walks at most 3 outer dims after merging; this view has more');
  }
  return { outer, xa, n, inner };
}

function isLines(v: Lines | Support): v is Lines {
  return typeof v === 'object' && 'outer' in v;
}

/** softmax (log = false) or logSoftmax (log = true). */
export function softmaxNative(log: boolean): NativeImpl<AxisParams> {
  const kernel = log ? 'logSoftmax' : 'softmax';
  return {
    supports(plan, inputs) {
      const dtype = nativeFloat(kernel, inputs);
      if (dtype !== true || sizeOf(plan.params.shape) === 0) {
        // An empty call has nothing to walk (run returns at once), whatever its strides.
        return dtype;
      }
      const geometry = lines(plan);
      return isLines(geometry) ? true : geometry;
    },
    run(ctx, plan, [x], [y]) {
      const size = sizeOf(plan.params.shape);
      if (size === 0) {
        return;
      }
      const { outer, xa, n, inner } = lines(plan) as Lines;
      const [o0, o1, o2] = outer.shape as [number, number, number];
      const [xs0, xs1, xs2] = outer.strides[0]! as [number, number, number];
      const bytes = dtypeInfo(x!.dtype).bytes;
      const threads = ctx.threadsFor(size);
      ctx.call('softmaxLines', bytes, log ? 1 : 0, pointer(x!, plan.params.x), xs0, xs1, xs2, xa, y!.storage.byteOffset, o0 * o1 * o2, o1, o2, n, inner, threads);
    },
  };
}

export const softmaxImpl = softmaxNative(false);
