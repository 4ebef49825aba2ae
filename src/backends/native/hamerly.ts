/** hamerly on the native backend: the lloyd driver with the previous labels, bounds and drift as hints. */
import type { HamerlyParams } from '../../kernels/hamerly.js';
import { layoutDecline } from '../wasm/context.js';
import { driftMoves, hintsContiguous, noClaims } from '../wasm/hamerly.js';
import { pointer } from '../wasm/shape.js';
import type { NativeImpl } from './context.js';
import { lloydSupport, runLloyd } from './lloyd.js';

export const hamerlyNative: NativeImpl<HamerlyParams> = {
  supports(plan, inputs) {
    const base = lloydSupport(plan.params, [inputs[0], inputs[1], inputs[5]]);
    if (base !== true) {
      return base;
    }
    return hintsContiguous(plan.params) ? true : layoutDecline('native hamerly needs labels, bounds, drift and offset contiguous');
  },
  run(ctx, plan, [x, c, labels, bounds, drift, w, offset], [outLabels, sums, counts, outBounds]) {
    const p = plan.params;
    const added = p.offset === null ? -1 : pointer(offset!, p.offset);
    const moves = driftMoves(drift!.toArray() as Float64Array);
    if (moves === null) {
      // A drift that is not a distance makes no claim: score every point, and claim nothing.
      runLloyd(ctx, p, [x, c, w], [outLabels!, sums!, counts!], null, null, added);
      noClaims(outBounds!, p.n);
      return;
    }
    const hints = { labels: pointer(labels!, p.hints), bounds: pointer(bounds!, p.bounds), drift: pointer(drift!, p.drift), ...moves };
    runLloyd(ctx, p, [x, c, w], [outLabels!, sums!, counts!], hints, outBounds!, added);
  },
};
