import type { Plan } from '../../kernels/kernel.js';
import type { LayerNormParams } from '../../kernels/layerNorm.js';
import { rowStrides } from '../../tensor/layout.js';
import type { ViewSpec } from '../../tensor/tensor.js';
import { floatOnly, layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

/** True when the view walks its elements contiguously in C order (after merging dims). */
function contiguous(view: ViewSpec): boolean {
  const merged = mergeDims(view.shape, [view.strides]);
  return merged.shape.length === 0 || (merged.shape.length === 1 && merged.strides[0]![0] === 1);
}

function groups(plan: Plan<LayerNormParams>) {
  const { axis, x } = plan.params;
  const outerShape = x.shape.slice(0, axis);
  return padTo(mergeDims(outerShape, [x.strides.slice(0, axis), rowStrides(outerShape)]), 3);
}

export const layerNormWasm: WasmImpl<LayerNormParams> = {
  supports(plan, inputs) {
    const dtype = floatOnly(inputs);
    if (dtype !== true) {
      return dtype;
    }
    const { axis, x, scale, bias } = plan.params;
    if (!contiguous({ shape: x.shape.slice(axis), strides: x.strides.slice(axis), offset: 0 })) {
      return layoutDecline('wasm layerNorm needs the normalized dims of x contiguous');
    }
    if ((scale !== null && !contiguous(scale)) || (bias !== null && !contiguous(bias))) {
      return 'wasm layerNorm needs scale and bias contiguous over the normalized shape (no broadcasting)';
    }
    return groups(plan) === null ? layoutDecline('wasm layerNorm iterates at most 3 outer dims after merging; this view has more') : true;
  },
  run(ctx, plan, [x, scale, bias], [y, mean, invStd]) {
    const p = plan.params;
    const outer = groups(plan)!;
    const [o0, o1, o2] = outer.shape as [number, number, number];
    const rows = o0 * o1 * o2;
    const threads = ctx.threadsFor(p.outer * p.inner);
    const px = pointer(x!, p.x);
    const ps = p.scale === null ? 0 : pointer(scale!, p.scale);
    const pb = p.bias === null ? 0 : pointer(bias!, p.bias);
    // float32: assembly/layerNorm.ts; float64: layerNormF64.ts (same arguments).
    ctx.pool.parallel(x!.dtype === 'float64' ? 'layerNormF64' : 'layerNorm', (t) => {
      const range = t < threads ? rowRange(rows, threads, t) : null;
      return range === null ? null : [px, ...outer.strides[0]!, o1, o2, p.inner, ps, pb, p.epsilon, y!.storage.byteOffset, mean!.storage.byteOffset, invStd!.storage.byteOffset, ...range];
    });
  },
};
