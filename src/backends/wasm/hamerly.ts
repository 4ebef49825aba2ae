/** hamerly on wasm: the lloyd driver with the previous labels and bounds as hints. */
import type { HamerlyParams } from '../../kernels/hamerly.js';
import type { ViewSpec } from '../../tensor/tensor.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { lloydSupport, runLloyd } from './lloyd.js';
import { pointer } from './shape.js';

function rowMajor(v: ViewSpec, inner: number): boolean {
  return (v.shape[0]! <= 1 || v.strides[0] === inner) && (inner === 1 || v.strides[1] === 1);
}

export const hamerlyWasm: WasmImpl<HamerlyParams> = {
  supports(plan, inputs) {
    const base = lloydSupport(plan.params, [inputs[0], inputs[1], inputs[5]]);
    if (base !== true) {
      return base;
    }
    return rowMajor(plan.params.hints, 1) && rowMajor(plan.params.bounds, 2) && (plan.params.drift.shape[0]! <= 1 || plan.params.drift.strides[0] === 1) ? true : layoutDecline('wasm hamerly needs labels and bounds contiguous');
  },
  run(ctx, plan, [x, c, labels, bounds, drift, w], [outLabels, sums, counts, outBounds]) {
    const p = plan.params;
    // The largest movement, where, and the largest of the others (the lower bounds' widening).
    const moves = drift!.toArray() as Float64Array;
    if (!moves.every((m) => m >= 0 && m < Infinity)) {
      // A drift that is not a distance makes no claim: score every point, and claim nothing.
      runLloyd(ctx, p, [x, c, w], [outLabels!, sums!, counts!], null);
      const out = outBounds!.data('hamerly') as Float64Array;
      for (let i = 0; i < p.n; i++) {
        out[2 * i] = Infinity;
        out[2 * i + 1] = 0;
      }
      return;
    }
    let top = 0;
    for (let j = 1; j < moves.length; j++) {
      top = moves[j]! > moves[top]! ? j : top;
    }
    let second = 0;
    moves.forEach((m, j) => {
      second = j === top ? second : Math.max(second, m);
    });
    runLloyd(ctx, p, [x, c, w], [outLabels!, sums!, counts!], {
      labels: pointer(labels!, p.hints),
      bounds: pointer(bounds!, p.bounds),
      boundsOut: outBounds!.storage.byteOffset,
      drift: pointer(drift!, p.drift),
      topDrift: top,
      maxDrift: moves[top]!,
      secondDrift: second,
    });
  },
};
