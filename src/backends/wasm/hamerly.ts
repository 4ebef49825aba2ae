/** hamerly on wasm: the lloyd driver with the previous labels and bounds as hints. */
import type { HamerlyParams } from '../../kernels/hamerly.js';
import type { Tensor, ViewSpec } from '../../tensor/tensor.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { lloydSupport, runLloyd } from './lloyd.js';
import { pointer } from './shape.js';

function rowMajor(v: ViewSpec, inner: number): boolean {
  return (v.shape[0]! <= 1 || v.strides[0] === inner) && (inner === 1 || v.strides[1] === 1);
}

/** Whether the previous labels, bounds [n, 2], drift and offset are row-major (the kernels index them so). */
export function hintsContiguous(p: HamerlyParams): boolean {
  const vector = (v: ViewSpec | null): boolean => v === null || v.shape[0]! <= 1 || v.strides[0] === 1;
  return rowMajor(p.hints, 1) && rowMajor(p.bounds, 2) && vector(p.drift) && vector(p.offset);
}

/** How far the centroids moved: the largest drift, where, and the largest of the others (the lower bounds' widening). */
export interface DriftMoves {
  readonly topDrift: number;
  readonly maxDrift: number;
  readonly secondDrift: number;
}

/** The drift's summary, or null when some entry is not a distance (negative, NaN, infinite): then the hints prove nothing. */
export function driftMoves(moves: Float64Array): DriftMoves | null {
  if (!moves.every((m) => m >= 0 && m < Infinity)) {
    return null;
  }
  let top = 0;
  for (let j = 1; j < moves.length; j++) {
    top = moves[j]! > moves[top]! ? j : top;
  }
  let second = 0;
  moves.forEach((m, j) => {
    second = j === top ? second : Math.max(second, m);
  });
  return { topDrift: top, maxDrift: moves[top]!, secondDrift: second };
}

/** Bounds [n, 2] that claim nothing: upper Infinity, lower 0. */
export function noClaims(bounds: Tensor, n: number): void {
  const out = bounds.data('hamerly') as Float64Array;
  for (let i = 0; i < n; i++) {
    out[2 * i] = Infinity;
    out[2 * i + 1] = 0;
  }
}

export const hamerlyWasm: WasmImpl<HamerlyParams> = {
  supports(plan, inputs) {
    const base = lloydSupport(plan.params, [inputs[0], inputs[1], inputs[5]]);
    if (base !== true) {
      return base;
    }
    return hintsContiguous(plan.params) ? true : layoutDecline('wasm hamerly needs labels, bounds, drift and offset contiguous');
  },
  run(ctx, plan, [x, c, labels, bounds, drift, w, offset], [outLabels, sums, counts, outBounds]) {
    const p = plan.params;
    const added = p.offset === null ? 0 : pointer(offset!, p.offset);
    const moves = driftMoves(drift!.toArray() as Float64Array);
    if (moves === null) {
      // A drift that is not a distance makes no claim: score every point, and claim nothing.
      runLloyd(ctx, p, [x, c, w], [outLabels!, sums!, counts!], null, added);
      noClaims(outBounds!, p.n);
      return;
    }
    runLloyd(ctx, p, [x, c, w], [outLabels!, sums!, counts!], {
      labels: pointer(labels!, p.hints),
      bounds: pointer(bounds!, p.bounds),
      boundsOut: outBounds!.storage.byteOffset,
      drift: pointer(drift!, p.drift),
      ...moves,
    }, added);
  },
};
