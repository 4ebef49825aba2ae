/**
 * Shards of a batch k-means run that may cut a chunk (src/kmeans/chunks.ts), and the exact
 * reduction of their parts.
 *
 * Whole chunks per shard cannot balance two workers on most n (1 000 000 x 32 is 7.6 chunks of
 * 131 072 rows: 4 : 3.6 at best, 1.91x). The lloyd kernel forms a chunk's sums as a fold from
 * zero of per-block sums (blocks of LLOYD_BLOCK rows, each summed from zero, added in block
 * order: src/kernels/lloyd.ts), so a chunk cut at a block boundary still gives its exact sums:
 * - the piece that starts at the chunk's first row (its head) returns the kernel's sums over its
 *   rows, which are the fold of the chunk's first blocks;
 * - every later piece returns one part per block, which the coordinator adds onto the head's
 *   sums in block order (foldStep), and only then adds the chunk into the totals, in chunk order.
 * The other sums over rows (column sums, moments, inertia) are row-order folds over the whole
 * chunk with no block structure, so for those once-per-run ops a cut chunk is computed whole by
 * the shard holding its head (ownedChunks).
 */
import { fail } from '../errors.js';
import { LLOYD_BLOCK } from '../kernels/lloyd.js';
import { addStep, chunkRows, emptyStep } from '../kmeans/chunks.js';

/** Rows [start, start + rows) of chunk `chunk`; `head` when they start at the chunk's first row. */
export interface Piece {
  readonly chunk: number;
  readonly start: number;
  readonly rows: number;
  readonly head: boolean;
}

/** Float64 sums [k, d] and counts [k] of some rows. */
export interface StepSums {
  readonly sums: Float64Array;
  readonly counts: Float64Array;
}

/** One piece's part of a Lloyd step: one entry (head) or one per block (other pieces), and its labels' hash. */
export interface StepPiece {
  readonly chunk: number;
  readonly head: boolean;
  readonly blocks: StepSums[];
  readonly hash: string;
}

/**
 * The pieces of rows [start, start + count): their intersections with the chunks of d features.
 * @example piecesOf(0, 150000, 32) // chunk 0 whole (131072 rows), then chunk 1's head (18928 rows)
 */
export function piecesOf(start: number, count: number, d: number): Piece[] {
  const size = chunkRows(d);
  const end = start + count;
  const out: Piece[] = [];
  for (let s = start; s < end; ) {
    const chunk = Math.floor(s / size);
    const stop = Math.min(end, (chunk + 1) * size);
    out.push({ chunk, start: s, rows: stop - s, head: s === chunk * size });
    s = stop;
  }
  return out;
}

/** The whole chunks of n rows whose first row lies in [start, start + count): what a shard computes for row-order ops. */
export function ownedChunks(start: number, count: number, n: number, d: number): { start: number; rows: number }[] {
  const size = chunkRows(d);
  const out: { start: number; rows: number }[] = [];
  for (let c = Math.ceil(start / size) * size; c < start + count; c += size) {
    out.push({ start: c, rows: Math.min(size, n - c) });
  }
  return out;
}

/** Throws ARGUMENT unless [start, start + count) starts at a block boundary and ends at one or at n. */
export function checkShardRange(start: number, count: number, n: number, where: string): void {
  const end = start + count;
  if (start % LLOYD_BLOCK !== 0 || (end % LLOYD_BLOCK !== 0 && end !== n) || count < 1 || end > n) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'a shard does not lie on block boundaries', expected: `rows from a multiple of ${LLOYD_BLOCK} to a multiple of ${LLOYD_BLOCK} or to ${n}`, received: `rows ${start}..${end - 1}` });
  }
}

/**
 * What a block of a chunk's later piece costs a shard beyond its rows, in blocks: it is its own
 * kernel call (the runtime's dispatch, output tensors and copies) and its own sums sent to the
 * coordinator (16.9 KB at k = 64, d = 32). Measured on the 2-core development machine (Intel
 * Xeon, 2026-11-29, bench/batchScale.ts: 1 000 000 x 32, k = 64): with equal rows the shard
 * holding 12 such blocks computed 1.5 ms longer than the other (~0.27 ms per block, so ~0.45
 * blocks each); cutting for 0, 0.3 and 0.5 gave 2-worker iterations of 74.75, 74.05 and 74.3 ms
 * (medians of 4 runs each, alternating). 0.3 also leaves room for machines where a call costs less.
 */
export const LATER_BLOCK_COST = 0.3;

/**
 * `count` shards of n rows (fewer when n has fewer blocks; none empty) of equal cost to a block: a shard's
 * cost is its blocks plus LATER_BLOCK_COST per block of the chunk it starts inside (those come
 * back one part per block, kmeansPieces.ts), so a shard that starts mid-chunk gets a little less.
 * @example balancedShards(1000000, 2, 32) // [{ start: 0, count: 503808 }, { start: 503808, count: 496192 }] (chunk 3 cut at block 54 of 64)
 */
export function balancedShards(n: number, count: number, d: number): { start: number; count: number }[] {
  const blocks = Math.ceil(n / LLOYD_BLOCK);
  const parts = Math.min(count, blocks);
  const perChunk = chunkRows(d) / LLOYD_BLOCK;
  // Boundaries in blocks, from equal rows (at least one block each).
  const at = [0];
  for (let s = 1; s < parts; s++) {
    at.push(Math.min(blocks - (parts - s), Math.max(at[s - 1]! + 1, Math.round((s * n) / parts / LLOYD_BLOCK))));
  }
  at.push(blocks);
  const cost = (s: number): number => {
    const rows = Math.min(n, at[s + 1]! * LLOYD_BLOCK) - at[s]! * LLOYD_BLOCK;
    const later = Math.min(at[s + 1]!, Math.ceil(at[s]! / perChunk) * perChunk) - at[s]!;
    return rows / LLOYD_BLOCK + LATER_BLOCK_COST * later;
  };
  // Each boundary where the larger of its two shards' costs is least (the nearest such on ties), a few passes.
  for (let pass = 0; pass < 4; pass++) {
    for (let b = 1; b < parts; b++) {
      const from = at[b]!;
      let best = from;
      let bestCost = Math.max(cost(b - 1), cost(b));
      for (let x = Math.max(at[b - 1]! + 1, from - perChunk); x <= Math.min(at[b + 1]! - 1, from + perChunk); x++) {
        at[b] = x;
        const c = Math.max(cost(b - 1), cost(b));
        if (c < bestCost || (c === bestCost && Math.abs(x - from) < Math.abs(best - from))) {
          best = x;
          bestCost = c;
        }
      }
      at[b] = best;
    }
  }
  const out: { start: number; count: number }[] = [];
  for (let s = 0; s < parts; s++) {
    const start = at[s]! * LLOYD_BLOCK;
    out.push({ start, count: Math.min(n, at[s + 1]! * LLOYD_BLOCK) - start });
  }
  return out;
}

/**
 * A Lloyd step's totals from every shard's pieces in row order: each chunk's sums are its head's
 * sums plus its later blocks in block order, and the chunks are added from zero in chunk order.
 * @throws FORMAT when the pieces do not come in row order (a chunk without its head first)
 */
export function foldStep(pieces: readonly StepPiece[], k: number, d: number): StepSums {
  const total = emptyStep(k, d);
  let chunk: StepSums | undefined;
  let at = -1;
  for (const piece of pieces) {
    if (piece.head) {
      if (chunk !== undefined) {
        addStep(total, chunk);
      }
      chunk = piece.blocks[0];
      at = piece.chunk;
      if (chunk === undefined || piece.blocks.length !== 1) {
        fail({ code: 'FORMAT', kernel: 'batch kmeans', problem: 'a chunk head holds other than one part', expected: '1', received: String(piece.blocks.length) });
      }
    } else {
      if (chunk === undefined || piece.chunk !== at) {
        fail({ code: 'FORMAT', kernel: 'batch kmeans', problem: 'a piece of a chunk came without the chunk\'s head before it', expected: `chunk ${piece.chunk}'s head`, received: at < 0 ? 'none' : `chunk ${at}` });
      }
      for (const block of piece.blocks) {
        addStep(chunk, block);
      }
    }
  }
  if (chunk !== undefined) {
    addStep(total, chunk);
  }
  return total;
}
