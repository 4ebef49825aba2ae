/** hamerly on wasm: the lloyd driver with the previous labels and bounds as hints. */
import type { HamerlyParams } from '../../kernels/hamerly.js';
import type { ViewSpec } from '../../tensor/tensor.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { lloydSupport, runLloyd } from './lloyd.js';
import { pointer } from './shape.js';

function rowMajor(v: ViewSpec, inner: number): boolean {
  return v.shape[0]! <= 1 || (v.strides[0] === inner && (inner === 1 || v.strides[1] === 1));
}

export const hamerlyWasm: WasmImpl<HamerlyParams> = {
  supports(plan, inputs) {
    const base = lloydSupport(plan.params, [inputs[0], inputs[1], inputs[4]]);
    if (base !== true) {
      return base;
    }
    return rowMajor(plan.params.hints, 1) && rowMajor(plan.params.bounds, 2) ? true : layoutDecline('wasm hamerly needs labels and bounds contiguous');
  },
  run(ctx, plan, [x, c, labels, bounds, w], [outLabels, sums, counts, outBounds]) {
    const p = plan.params;
    runLloyd(ctx, p, [x, c, w], [outLabels!, sums!, counts!], { labels: pointer(labels!, p.hints), bounds: pointer(bounds!, p.bounds), boundsOut: outBounds!.storage.byteOffset });
  },
};
