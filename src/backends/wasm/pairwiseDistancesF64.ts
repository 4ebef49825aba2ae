/**
 * pairwiseDistances on wasm, float64 (assembly/pairwiseDistancesF64.ts): y packed transposed
 * with its squared norms, then a direct register-tiled pass over the rows of x split across
 * the threads (no GEMM form, so no cancellation to repair: sums of the same terms as ref, in
 * its order). dot is matmul's float64 GEMM. Any strides.
 */
import type { PairwiseDistancesParams } from '../../kernels/pairwiseDistances.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { WasmContext } from './context.js';
import { productRows } from './matmul.js';
import { pointer, rowRange } from './shape.js';

const METRIC = { sqeuclidean: 0, euclidean: 1, cosine: 2, manhattan: 3 } as const;
/** Bytes of packed y per column block (the block stays in L2 while the rows pass over it). */
const BLOCK_BYTES = 128 * 1024;

export function pairwiseDistancesF64(ctx: WasmContext, params: PairwiseDistancesParams, x: Tensor, y: Tensor, out: Tensor): void {
  const { n, m, d, metric, x: xv, y: yv } = params;
  if (n === 0 || m === 0) {
    return;
  }
  const px = pointer(x, xv);
  const py = pointer(y, yv);
  const po = out.storage.byteOffset;
  const [xrs, xcs] = xv.strides as [number, number];
  const [yrs, ycs] = yv.strides as [number, number];
  if (metric === 'dot') {
    productRows(ctx, 'float64', { ptr: px, rs: xrs, cs: xcs }, { ptr: py, rs: ycs, cs: yrs }, po, n, m, d, 1, null, 0);
    return;
  }
  const mpad = Math.ceil(m / 4) * 4;
  const base = ctx.temp(8 * (d * mpad + mpad), 'pairwiseDistances packing');
  try {
    const norms = base + 8 * d * mpad;
    byRows(ctx, 'distancePackF64', mpad, mpad * d, (range) => [py, yrs, ycs, d, m, base, mpad, norms, ...range]);
    const cols = Math.max(4, Math.floor(BLOCK_BYTES / (8 * Math.max(d, 1)) / 4) * 4);
    byRows(ctx, 'distanceRowsF64', n, (n * m * d) / 1024, (range) => [METRIC[metric], px, xrs, xcs, base, mpad, norms, m, d, po, cols, ...range]);
  } finally {
    ctx.release(base);
  }
}

/** Runs `name` over `rows` split across the threads `work` units are worth. */
function byRows(ctx: WasmContext, name: string, rows: number, work: number, argsOf: (range: [number, number]) => readonly number[]): void {
  const threads = Math.min(ctx.threadsFor(work), rows);
  ctx.pool.parallel(name, (t) => {
    const range = t < threads ? rowRange(rows, threads, t) : null;
    return range === null ? null : argsOf(range);
  });
}
