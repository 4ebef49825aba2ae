import type { Plan } from '../../kernels/kernel.js';
import type { AxisParams } from '../../kernels/softmax.js';
import { rowStrides, sizeOf } from '../../tensor/layout.js';
import { floatOnly, layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

/** The lines along `axis`: outer dims (axis removed) merged to 3, with x and y strides. */
function lines(plan: Plan<AxisParams>) {
  const { shape, axis, x } = plan.params;
  const y = rowStrides(shape);
  const keep = (_: unknown, i: number): boolean => i !== axis;
  const outer = padTo(mergeDims(shape.filter(keep), [x.strides.filter(keep), y.filter(keep)]), 3);
  return outer === null ? null : { outer, xa: x.strides[axis]!, ya: y[axis]!, n: shape[axis]! };
}

/** softmax and logSoftmax: assembly/softmax.ts (float32) or softmaxF64.ts (float64) walks one line per row. */
export function softmaxWasm(log: boolean): WasmImpl<AxisParams> {
  return {
    supports(plan, inputs) {
      const dtype = floatOnly(inputs);
      if (dtype !== true) {
        return dtype;
      }
      return lines(plan) === null ? layoutDecline('wasm softmax iterates at most 3 outer dims after merging; this view has more') : true;
    },
    run(ctx, plan, [x], [y]) {
      const { outer, xa, ya, n } = lines(plan)!;
      const [o0, o1, o2] = outer.shape as [number, number, number];
      const [xs, ys] = outer.strides as [number[], number[]];
      const rows = o0 * o1 * o2;
      const threads = ctx.threadsFor(sizeOf(plan.params.shape));
      const px = pointer(x!, plan.params.x);
      const py = y!.storage.byteOffset;
      ctx.pool.parallel(x!.dtype === 'float64' ? 'softmaxLinesF64' : 'softmaxLines', (t) => {
        const range = t < threads ? rowRange(rows, threads, t) : null;
        return range === null ? null : [log ? 1 : 0, px, ...xs, xa, py, ...ys, ya, o1, o2, n, ...range];
      });
    },
  };
}

export const softmaxImpl = softmaxWasm(false);
