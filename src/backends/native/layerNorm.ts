/**
 * layerNorm on the native addon (native/src/rows_norm.h): float32 and float64, groups of the
 * normalized dims contiguous in x, outer dims merged into at most 3. Other views of x (and
 * scale or bias views that are not contiguous) are declined for layout, so a row-major copy
 * runs here; scale or bias broadcast over the normalized shape are declined outright.
 */
import type { LayerNormParams } from '../../kernels/layerNorm.js';
import type { Plan } from '../../kernels/kernel.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/layout.js';
import type { Tensor, ViewSpec } from '../../tensor/tensor.js';
import { layoutDecline } from '../wasm/context.js';
import { mergeDims, padTo, pointer } from '../wasm/shape.js';
import type { NativeImpl } from './context.js';
import { nativeFloat } from './softmax.js';

/** True when the view walks its elements contiguously in row-major order. */
function contiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const merged = mergeDims(shape, [strides]);
  return merged.shape.length === 0 || (merged.shape.length === 1 && merged.strides[0]![0] === 1);
}

function groups(plan: Plan<LayerNormParams>) {
  const { axis, x } = plan.params;
  return padTo(mergeDims(x.shape.slice(0, axis), [x.strides.slice(0, axis)]), 3);
}

/** Why an affine input (scale or bias) cannot be read as `inner` contiguous values, or true. */
function affineSupport(name: string, t: Tensor | undefined, view: ViewSpec | null, inner: number) {
  if (t === undefined || view === null || contiguous(view.shape, view.strides)) {
    return true;
  }
  return sizeOf(t.shape) === inner ? layoutDecline(`native layerNorm needs ${name} contiguous`) : `native layerNorm needs ${name} of the full normalized shape (a broadcast ${t.describe()} runs elsewhere)`;
}

export const layerNormImpl: NativeImpl<LayerNormParams> = {
  supports(plan, inputs) {
    const dtype = nativeFloat('layerNorm', inputs);
    if (dtype !== true || plan.params.outer === 0) {
      // No groups: nothing to walk (run returns at once), whatever the strides.
      return dtype;
    }
    const { axis, x, inner } = plan.params;
    if (!contiguous(x.shape.slice(axis), x.strides.slice(axis))) {
      return layoutDecline('native layerNorm needs the normalized dims of x contiguous');
    }
    const scale = affineSupport('scale', inputs[1], plan.params.scale, inner);
    if (scale !== true) {
      return scale;
    }
    const bias = affineSupport('bias', inputs[2], plan.params.bias, inner);
    if (bias !== true) {
      return bias;
    }
    return groups(plan) === null ? layoutDecline('native layerNorm walks at most 3 outer dims after merging; this view has more') : true;
  },
  run(ctx, plan, [x, scale, bias], [y, mean, invStd]) {
    const p = plan.params;
    if (p.outer === 0) {
      return;
    }
    const outer = groups(plan)!;
    const [o0, o1, o2] = outer.shape as [number, number, number];
    const [xs0, xs1, xs2] = outer.strides[0]! as [number, number, number];
    const ps = p.scale === null ? -1 : pointer(scale!, p.scale);
    const pb = p.bias === null ? -1 : pointer(bias!, p.bias);
    const threads = ctx.threadsFor(p.outer * p.inner);
    const bytes = dtypeInfo(x!.dtype).bytes;
    ctx.call('layerNormGroups', bytes, pointer(x!, p.x), xs0, xs1, xs2, o0 * o1 * o2, o1, o2, p.inner, ps, pb, p.epsilon, y!.storage.byteOffset, mean!.storage.byteOffset, invStd!.storage.byteOffset, threads);
  },
};
