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
 * `count` shards of n rows as equal as whole blocks allow (fewer when n has fewer blocks).
 * @example balancedShards(1000000, 2) // [{ start: 0, count: 499712 }, { start: 499712, count: 500288 }] (chunk 3 cut at block 52 of 64)
 */
export function balancedShards(n: number, count: number): { start: number; count: number }[] {
  const blocks = Math.ceil(n / LLOYD_BLOCK);
  const parts = Math.min(count, blocks);
  const out: { start: number; count: number }[] = [];
  for (let s = 0; s < parts; s++) {
    const start = Math.round((s * n) / parts / LLOYD_BLOCK) * LLOYD_BLOCK;
    const end = s === parts - 1 ? n : Math.round(((s + 1) * n) / parts / LLOYD_BLOCK) * LLOYD_BLOCK;
    if (end > start) {
      out.push({ start, count: end - start });
    }
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
