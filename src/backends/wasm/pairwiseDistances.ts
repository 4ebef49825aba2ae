/**
 * pairwiseDistances on wasm, float32. sqeuclidean / euclidean / cosine: pack both operands
 * (centred, augmented with their norms, or normalized), one GEMM, then a finishing pass that
 * recomputes directly wherever the GEMM form could have cancelled (assembly/pairwiseDistances.ts).
 * dot is the GEMM itself; manhattan a direct sum. Any strides. float64: pairwiseDistancesF64.ts.
 */
import type { PairwiseDistancesParams } from '../../kernels/pairwiseDistances.js';
import type { Tensor, ViewSpec } from '../../tensor/tensor.js';
import { floatOnly, type WasmContext, type WasmImpl } from './context.js';
import { matmulScratchBytes, productRows } from './matmul.js';
import { pairwiseDistancesF64 } from './pairwiseDistancesF64.js';
import { pointer, rowRange } from './shape.js';

const FINISH_MODE = { sqeuclidean: 0, euclidean: 1, cosine: 2 } as const;

export const pairwiseDistancesWasm: WasmImpl<PairwiseDistancesParams> = {
  supports: (_plan, inputs) => floatOnly(inputs),
  run(ctx, plan, [x, y], [out]) {
    if (x!.dtype === 'float64') {
      pairwiseDistancesF64(ctx, plan.params, x!, y!, out!);
      return;
    }
    const { n, m, d, metric, x: xv, y: yv } = plan.params;
    if (n === 0 || m === 0) {
      return;
    }
    const px = pointer(x!, xv);
    const py = pointer(y!, yv);
    const po = out!.storage.byteOffset;
    const [xrs, xcs] = xv.strides as [number, number];
    const [yrs, ycs] = yv.strides as [number, number];
    if (metric === 'dot') {
      productRows(ctx, 'float32', { ptr: px, rs: xrs, cs: xcs }, { ptr: py, rs: ycs, cs: yrs }, po, n, m, d, 1, null, 0);
      return;
    }
    if (metric === 'manhattan') {
      byRows(ctx, 'manhattanRows', n, n * m * d, (range) => [px, xrs, xcs, py, yrs, ycs, po, m, d, ...range]);
      return;
    }
    const mode = FINISH_MODE[metric];
    const ld = d + 2;
    const base = ctx.temp(4 * (n * ld + m * ld + n + m + d), 'pairwiseDistances packing');
    try {
      const packedX = base;
      const packedY = packedX + 4 * n * ld;
      const normsX = packedY + 4 * m * ld;
      const normsY = normsX + 4 * n;
      const mu = normsY + 4 * m;
      const side = mode === 2 ? 2 : 0;
      if (mode !== 2) {
        // Centre on the mean of the smaller set: cheap, and near any cluster of points that
        // could cancel (points far from it are far from each other's GEMM trouble too).
        const [t, v] = n <= m ? [x!, xv] : [y!, yv];
        ctx.f32(mu, d).set(meanRows(t, v, d));
      }
      byRows(ctx, 'distancePack', n, n * d, (range) => [px, xrs, xcs, d, mu, packedX, ld, normsX, side, ...range]);
      byRows(ctx, 'distancePack', m, m * d, (range) => [py, yrs, ycs, d, mu, packedY, ld, normsY, mode === 2 ? 2 : 1, ...range]);
      const fused = mode !== 2 && ld <= KC && fusedProduct(ctx, { packedX, packedY, normsX, normsY, po, n, m, ld, mode }, [px, xrs, xcs, py, yrs, ycs, d]);
      if (!fused) {
        productRows(ctx, 'float32', { ptr: packedX, rs: ld, cs: 1 }, { ptr: packedY, rs: 1, cs: ld }, po, n, m, ld, 1, null, 0);
        byRows(ctx, 'distanceFinish', n, n * m, (range) => [po, m, mode, normsX, normsY, px, xrs, xcs, py, yrs, ycs, d, ...range]);
      }
    } finally {
      ctx.release(base);
    }
  },
};

/** The matmul blocking's k slice and row tile (assembly/matmul.ts). */
const KC = 256;
const MR = 4;
/** Most entries per thread the fused GEMM may leave for direct recomputation (pairs of i32). */
const LIST_CAP = 1 << 18;

interface Fused {
  readonly packedX: number;
  readonly packedY: number;
  readonly normsX: number;
  readonly normsY: number;
  readonly po: number;
  readonly n: number;
  readonly m: number;
  readonly ld: number;
  readonly mode: number;
}

/**
 * The GEMM with the finishing step in its tile stores (matmulDistance): final values are
 * written once, and only the listed entries are recomputed afterwards, instead of a second
 * pass over the whole result. false (nothing usable written) when a thread listed more than
 * its capacity: the caller then runs the unfused path.
 */
function fusedProduct(ctx: WasmContext, f: Fused, inputs: readonly number[]): boolean {
  const threads = Math.min(ctx.threadsFor((f.n * f.m * f.ld) / 1024), Math.max(1, Math.ceil(f.n / MR)));
  const packing = Math.ceil(matmulScratchBytes(f.m, f.ld, 4) / 64) * 64;
  const perThread = packing + 64 + 8 * LIST_CAP;
  const base = ctx.temp(perThread * threads, 'pairwiseDistances epilogue');
  try {
    const words = (t: number): Int32Array => ctx.heapI32(base + t * perThread + packing, 6);
    for (let t = 0; t < threads; t++) {
      words(t).set([f.normsX, f.normsY, f.mode, base + t * perThread + packing + 64, LIST_CAP, 0]);
    }
    ctx.pool.parallel('matmulDistance', (t) => {
      const range = t < threads ? rowRange(f.n, threads, t, MR) : null;
      return range === null ? null : [f.packedX, f.ld, 1, f.packedY, 1, f.ld, f.po, f.m, f.n, f.m, f.ld, ...range, base + t * perThread, base + t * perThread + packing];
    });
    const counts = Array.from({ length: threads }, (_, t) => words(t)[5]!);
    if (counts.some((c) => c > LIST_CAP)) {
      return false;
    }
    ctx.pool.parallel('distanceFixList', (t) => (t < threads && counts[t]! > 0 ? [f.po, f.m, f.mode, base + t * perThread + packing + 64, counts[t]!, ...inputs] : null));
    return true;
  } finally {
    ctx.release(base);
  }
}

/** Runs `name` over `rows` split across the threads `work` elements are worth. */
function byRows(ctx: WasmContext, name: string, rows: number, work: number, argsOf: (range: [number, number]) => readonly number[]): void {
  const threads = Math.min(ctx.threadsFor(work), rows);
  ctx.pool.parallel(name, (t) => {
    const range = t < threads ? rowRange(rows, threads, t) : null;
    return range === null ? null : argsOf(range);
  });
}

/** Column means of a [rows, d] view, summed in float64. */
function meanRows(t: Tensor, v: ViewSpec, d: number): Float32Array {
  const data = t.data('pairwiseDistances');
  const rows = v.shape[0]!;
  const [rs, cs] = v.strides as [number, number];
  const sums = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const base = v.offset + r * rs;
    for (let p = 0; p < d; p++) {
      sums[p] = sums[p]! + (data[base + p * cs] as number);
    }
  }
  return Float32Array.from(sums, (s) => (rows === 0 ? 0 : s / rows));
}
