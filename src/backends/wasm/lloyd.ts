/**
 * lloyd (and hamerly) on wasm, float32 and float64 (one generic AssemblyScript body): transposed centroids and their norms once per call
 * (lloydPrepare), then rows split across threads in whole blocks of LLOYD_BLOCK (lloydAssign
 * writes each block's float64 sums into its own slot), then the slots added in block order
 * (lloydCombine). Blocks go in waves when all slots at once would take more than SLOT_CAP
 * bytes. The result is bit-equal to ref on any thread count (see src/kernels/lloyd.ts).
 */
import { LLOYD_BLOCK, type LloydParams } from '../../kernels/lloyd.js';
import type { Inputs } from '../../kernels/kernel.js';
import type { Tensor, ViewSpec } from '../../tensor/tensor.js';
import type { Support } from '../backend.js';
import { floatOnly, layoutDecline, type WasmContext, type WasmImpl } from './context.js';
import { pointer } from './shape.js';

/** Bytes of block sums held at once (a wave). */
const SLOT_CAP = 32 * 2 ** 20;

function rowsContiguous(v: ViewSpec): boolean {
  return v.shape[1]! <= 1 || v.strides[1] === 1;
}

/** float32 or float64 points, centroids and weights (`inputs`: those three; one dtype, as infer checks), rows contiguous. */
export function lloydSupport(params: LloydParams, inputs: Inputs): Support {
  const dtype = floatOnly(inputs);
  if (dtype !== true) {
    return dtype;
  }
  return rowsContiguous(params.x) && rowsContiguous(params.centroids) ? true : layoutDecline('wasm lloyd needs the rows of x and of the centroids contiguous');
}

/** Previous labels and bounds (hamerly), as pointers into the heap; bounds [n, 2] row-major. */
export interface LloydHints {
  readonly labels: number;
  readonly bounds: number;
  readonly boundsOut: number;
  /** float64 per centroid, and its largest entry, where, and the largest of the others. */
  readonly drift: number;
  readonly topDrift: number;
  readonly maxDrift: number;
  readonly secondDrift: number;
}

/** One step into labels, sums and counts; `offset` (a heap pointer to d values of x's dtype, 0: none) is added to every row as it is read (hamerly's offset). */
export function runLloyd(ctx: WasmContext, params: LloydParams, [x, c, w]: readonly (Tensor | undefined)[], [labels, sums, counts]: readonly Tensor[], hints: LloydHints | null, offset = 0): void {
  const { n, k, d, x: xv, centroids: cv, weights: wv } = params;
  (sums!.data('lloyd') as Float64Array).fill(0);
  (counts!.data('lloyd') as Float64Array).fill(0);
  if (n === 0) {
    return;
  }
  const kpad = Math.ceil(k / 8) * 8;
  // Bytes per element of x and the centroids (and of the scores, norms and transposed centroids).
  const size = x!.dtype === 'float64' ? 8 : 4;
  const suffix = size === 8 ? 'F64' : '';
  const px = pointer(x!, xv);
  const pc = pointer(c!, cv);
  const pw = wv === null ? 0 : pointer(w!, wv);
  const ws = wv === null ? 0 : wv.strides[0]!;
  const blocks = Math.ceil(n / LLOYD_BLOCK);
  const threads = Math.min(ctx.threadsFor((n * k * d) / 1024), blocks);
  const slotBytes = 8 * (k * d + k);
  const perWave = Math.min(blocks, Math.max(threads, Math.floor(SLOT_CAP / slotBytes)));
  // Per thread: 4 rows of scores, the block's row list, then (with an offset) 4 centred rows of x.
  const threadBytes = 4 * size * kpad + 4 * LLOYD_BLOCK + (offset === 0 ? 0 : 4 * size * d);
  const centroidBytes = size * (d * kpad + kpad) + 64;
  const base = ctx.temp(centroidBytes + threadBytes * threads + slotBytes * perWave, 'lloyd scratch');
  try {
    const counter = base;
    const ct = base + 64;
    const cn = ct + size * d * kpad;
    const perThread = base + centroidBytes;
    const slots = perThread + threadBytes * threads;
    ctx.pool.parallel(`lloydPrepare${suffix}`, (t) => (t === 0 ? [pc, cv.strides[0]!, k, d, ct, kpad, cn] : null));
    let maxC2 = 0;
    for (const v of size === 8 ? ctx.f64(cn, k) : ctx.f32(cn, k)) {
      maxC2 = Math.max(maxC2, v);
    }
    const maxC = Math.sqrt(maxC2);
    const hintArgs = hints === null ? [0, 0, 0] : [hints.labels, hints.bounds, hints.boundsOut];
    const driftArgs = hints === null ? [0, 0, 0, 0] : [hints.drift, hints.topDrift, hints.maxDrift, hints.secondDrift];
    for (let b0 = 0; b0 < blocks; b0 += perWave) {
      const b1 = Math.min(blocks, b0 + perWave);
      const first = b0 * LLOYD_BLOCK;
      const last = Math.min(n, b1 * LLOYD_BLOCK);
      ctx.heapI32(counter, 1)[0] = 0;
      ctx.pool.parallel(`lloydAssign${suffix}`, (t) => {
        if (t >= threads) {
          return null;
        }
        const own = perThread + t * threadBytes;
        return [px, xv.strides[0]!, d, pw, ws, ct, kpad, cn, pc, cv.strides[0]!, k, maxC2, maxC, labels!.storage.byteOffset, slots, counter, LLOYD_BLOCK, own, first, last, ...hintArgs, own + 4 * size * kpad, ...driftArgs, offset, own + 4 * size * kpad + 4 * LLOYD_BLOCK];
      });
      ctx.pool.parallel('lloydCombine', (t) => (t === 0 ? [slots, b1 - b0, k, d, sums!.storage.byteOffset, counts!.storage.byteOffset] : null));
    }
  } finally {
    ctx.release(base);
  }
}

export const lloydWasm: WasmImpl<LloydParams> = {
  supports: (plan, inputs) => lloydSupport(plan.params, inputs),
  run(ctx, plan, inputs, outputs) {
    runLloyd(ctx, plan.params, inputs, outputs, null);
  },
};
