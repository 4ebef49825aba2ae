/**
 * lloyd (and hamerly's driver) on the native backend, float32 and float64: the addon's `lloyd`
 * (native/src/distances.c) transposes the centroids, splits the rows across its threads in
 * whole blocks of LLOYD_BLOCK (each block's float64 sums in its own slot, added in block order)
 * and labels each row exactly as the reference does (near-ties recomputed in float64 in feature
 * order, no FMA contraction there), so labels, sums and counts are ref's bits on every path and
 * thread count (see src/kernels/lloyd.ts).
 */
import { LLOYD_BLOCK, type LloydParams } from '../../kernels/lloyd.js';
import type { Inputs } from '../../kernels/kernel.js';
import type { Tensor, ViewSpec } from '../../tensor/tensor.js';
import type { Support } from '../backend.js';
import { layoutDecline } from '../wasm/context.js';
import type { DriftMoves } from '../wasm/hamerly.js';
import { pointer } from '../wasm/shape.js';
import type { NativeContext, NativeImpl } from './context.js';

/** Rows contiguous, and walked forwards (the addon takes strides as unsigned). */
function rowsContiguous(v: ViewSpec): boolean {
  return (v.shape[1]! <= 1 || v.strides[1] === 1) && v.strides.every((s) => s >= 0);
}

/** float32 or float64 points, centroids and weights (`inputs`: those three), their rows contiguous. */
export function lloydSupport(params: LloydParams, inputs: Inputs): Support {
  const other = inputs.find((t) => t !== undefined && t.dtype !== 'float32' && t.dtype !== 'float64');
  if (other !== undefined) {
    return `native lloyd runs float32 and float64; ${other.describe()} runs elsewhere`;
  }
  const forward = params.weights === null || params.weights.strides[0]! >= 0;
  return rowsContiguous(params.x) && rowsContiguous(params.centroids) && forward ? true : layoutDecline('native lloyd needs the rows of x and of the centroids contiguous, every stride non-negative');
}

/** hamerly's hints as heap byte offsets (labels [n] int32, bounds [n, 2] float64 row-major), with the drift's summary. */
export interface NativeHints extends DriftMoves {
  readonly labels: number;
  readonly bounds: number;
  /** float64 [k]. */
  readonly drift: number;
}

/**
 * One lloyd step into labels, sums and counts; with hints, rows their bounds prove keep their
 * label, and `boundsOut` gets every row's new bounds. `offset` (a heap byte offset of d values of
 * x's dtype, -1: none) is added to every row as it is read (hamerly's offset).
 */
export function runLloyd(ctx: NativeContext, params: LloydParams, [x, c, w]: readonly (Tensor | undefined)[], [labels, sums, counts]: readonly Tensor[], hints: NativeHints | null, boundsOut: Tensor | null, offset = -1): void {
  const { n, k, d, x: xv, centroids: cv, weights: wv } = params;
  const esize = x!.dtype === 'float64' ? 8 : 4;
  const threads = ctx.threadsFor((n * k * d) / 1024);
  ctx.call(
    'lloyd',
    esize,
    pointer(x!, xv),
    xv.strides[0]!,
    n,
    d,
    wv === null ? -1 : pointer(w!, wv),
    wv === null ? 0 : wv.strides[0]!,
    pointer(c!, cv),
    cv.strides[0]!,
    k,
    labels!.storage.byteOffset,
    sums!.storage.byteOffset,
    counts!.storage.byteOffset,
    threads,
    LLOYD_BLOCK,
    hints === null ? -1 : hints.labels,
    hints === null ? 0 : hints.bounds,
    boundsOut === null ? -1 : boundsOut.storage.byteOffset,
    hints === null ? 0 : hints.drift,
    hints === null ? 0 : hints.topDrift,
    hints === null ? 0 : hints.maxDrift,
    hints === null ? 0 : hints.secondDrift,
    offset,
  );
}

export const lloydNative: NativeImpl<LloydParams> = {
  supports: (plan, inputs) => lloydSupport(plan.params, inputs),
  run(ctx, plan, inputs, outputs) {
    runLloyd(ctx, plan.params, inputs, outputs, null, null);
  },
};
