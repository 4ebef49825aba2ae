/**
 * The worker's half of a k-means job: per chunk of its rows (src/kmeans/chunks.ts), the
 * partial the coordinator adds in global chunk order. A shard is whole blocks of rows and may
 * cut chunks (kmeansPieces.ts): a step returns one part per piece of a chunk (per block after
 * the chunk's head), the once-per-run row-order ops one per chunk whose head is in the shard;
 * never a shard total, so the sums are the in-memory fit's.
 * Centred chunks stay in the child's heap between iterations (ChunkCache), keyed by file,
 * file size and time, rows and mean, so iterations after the first read nothing; the stats op
 * (the run's first) keeps the rows it reads, and the first centring takes them, so a run reads
 * each row once (a chunk cut by the shard's end is read whole, its head kept as a copy; the
 * once-per-run 'final' op reads it whole again).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { fail } from '../errors.js';
import { LLOYD_BLOCK } from '../kernels/lloyd.js';
import { centreRows, chunkStep, columnSums, inertiaOf, momentsOf, negatedMean, type Rows } from '../kmeans/chunks.js';
import { Farthest } from '../kmeans/relocate.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkShardRange, ownedChunks, piecesOf, type Piece, type StepPiece, type StepSums } from './kmeansPieces.js';
import type { KmeansShard } from './protocol.js';
import { readShardRows, shardFile } from './shardRows.js';

const WHERE = 'batch kmeans';

/** Centred chunks kept in a child's heap, least recently used evicted past `maxBytes`. */
export class ChunkCache {
  private readonly entries = new Map<string, Tensor>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, make: () => Tensor): Tensor {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const t = make();
    const size = t.storage.bytes;
    for (const [old, tensor] of this.entries) {
      if (this.bytes + size <= this.maxBytes) {
        break;
      }
      tensor.release();
      this.entries.delete(old);
      this.bytes -= tensor.storage.bytes;
    }
    if (size <= this.maxBytes) {
      this.entries.set(key, t);
      this.bytes += size;
    }
    return t;
  }

  /** Removes the entry of `key` and hands it over (the caller owns it now), or undefined. */
  take(key: string): Tensor | undefined {
    const t = this.entries.get(key);
    if (t !== undefined) {
      this.entries.delete(key);
      this.bytes -= t.storage.bytes;
    }
    return t;
  }

  /** Whether `t` belongs to the cache (else the caller releases it). */
  holds(t: Tensor): boolean {
    for (const v of this.entries.values()) {
      if (v === t) {
        return true;
      }
    }
    return false;
  }
}

/** Runs one k-means op over a shard's chunks. @throws FORMAT, SHAPE, DTYPE, ARGUMENT, IO */
export function kmeansShard(hp: Runtime, task: KmeansShard, cache: ChunkCache): unknown {
  const { header, plan } = shardFile(task.file, WHERE);
  const d = plan.inner[0]!;
  const dtype = header.dtype;
  if (plan.inner.length !== 1 || (dtype !== 'float32' && dtype !== 'float64')) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: `'${task.file}' is not a matrix of float points`, expected: 'float32 or float64 [n, d]', received: `${header.descr} [${header.shape.join(', ')}]` });
  }
  checkShardRange(task.start, task.count, plan.rows, WHERE);
  // Row-order ops (stats, moments, final) run over whole chunks: the ones whose head is here.
  const chunks = ownedChunks(task.start, task.count, plan.rows, d);
  // Step and far run over the shard's pieces (kmeansPieces.ts): whole chunks, a chunk's head, or its later blocks.
  const pieces = piecesOf(task.start, task.count, d);
  const stamp = statSync(task.file);
  const keyOf = (c: { start: number; rows: number }): string => `${task.file}|${stamp.size}|${stamp.mtimeMs}|${c.start}|${c.rows}`;
  // A chunk cut by the shard's end (row-order ops only, once per run) is read whole and not kept.
  const inside = (c: { start: number; rows: number }): boolean => c.start >= task.start && c.start + c.rows <= task.start + task.count;
  const read = (c: { start: number; rows: number }): Tensor => readShardRows(hp, task.file, c.start, c.rows, WHERE);
  const using = <T>(t: Tensor, f: (t: Tensor) => T): T => {
    try {
      return f(t);
    } finally {
      if (!cache.holds(t)) {
        t.release();
      }
    }
  };
  if (task.op === 'stats') {
    // Every piece is read here once and kept as read: the first centring takes it (no second read).
    const raw = (c: { start: number; rows: number }): Tensor => cache.get(`${keyOf(c)}|raw`, () => read(c));
    const sums = chunks.map((c) => {
      if (inside(c)) {
        return using(raw(c), (t) => columnSums(t.data(WHERE) as Rows, c.rows, d));
      }
      // Cut by the shard's end: read whole once, and the shard's piece of it (the chunk's head) kept as a copy.
      return using(read(c), (t) => {
        const values = t.data(WHERE) as Rows;
        const head = pieces.find((p) => p.start === c.start);
        if (head !== undefined) {
          using(
            cache.get(`${keyOf(head)}|raw`, () => {
              const piece = hp.empty([head.rows, d], dtype, { zero: false });
              (piece.data(WHERE) as Rows).set(values.subarray(0, head.rows * d));
              return piece;
            }),
            () => undefined,
          );
        }
        return columnSums(values, c.rows, d);
      });
    });
    for (const p of pieces) {
      using(raw(p), () => undefined);
    }
    return { sums };
  }
  const mean = task.mean!;
  const meanKey = Buffer.from(mean.buffer, mean.byteOffset, mean.byteLength).toString('base64');
  const centreRead = (c: { start: number; rows: number }, t = read(c)): Tensor => {
    centreRows(t.data(WHERE) as Rows, c.rows, negatedMean(mean, dtype));
    return t;
  };
  const centred = (c: { start: number; rows: number }): Tensor => cache.get(`${keyOf(c)}|${meanKey}`, () => centreRead(c, cache.take(`${keyOf(c)}|raw`)));
  const use = <T>(c: { start: number; rows: number }, f: (t: Tensor) => T): T => using(inside(c) ? centred(c) : centreRead(c), f);
  if (task.op === 'moments') {
    return { parts: chunks.map((c) => use(c, (t) => momentsOf(t.data(WHERE) as Rows, c.rows, d))) };
  }
  const k = task.k!;
  const centers = task.centers!;
  // Centroids [k, d] in the data's dtype, as the kernel takes them.
  const centroidTensor = (values: Float64Array): Tensor => hp.tensor(dtype === 'float32' ? Float32Array.from(values) : values, [k, d]);
  const step = (t: Tensor): ReturnType<typeof chunkStep> => hp.scope(() => chunkStep(hp, t, centroidTensor(centers)));
  if (task.op === 'step') {
    // One centroid tensor and one labels buffer (hashed, then reused) for all the shard's pieces.
    const c = centroidTensor(centers);
    try {
      const labels = new Int32Array(Math.max(0, ...pieces.map((p) => p.rows)));
      return { parts: pieces.map((p): StepPiece => use(p, (t) => stepPiece(p, t, (x, out) => chunkStep(hp, x, c, undefined, out), labels))) };
    } finally {
      c.release();
    }
  }
  if (task.op === 'far') {
    const top = new Farthest(task.far!);
    const values: number[] = [];
    for (const c of pieces) {
      use(c, (t) => {
        const x = t.data(WHERE) as Rows;
        const labels = step(t).labels;
        const dist = new Float64Array(c.rows);
        inertiaOf(x, c.rows, d, centers, labels, undefined, dist);
        for (let i = 0; i < c.rows; i++) {
          top.offer(dist[i]!, c.start + i, () => x.subarray(i * d, (i + 1) * d), labels[i]!, 1);
        }
      });
    }
    const picks = top.chosen();
    // The distances of the picks, for the coordinator's merge: recomputed from the picked rows.
    for (const p of picks) {
      let s = 0;
      for (let e = 0; e < d; e++) {
        const diff = p.row[e]! - centers[p.label * d + e]!;
        s += diff * diff;
      }
      values.push(s);
    }
    return { picks: picks.map((p, i) => ({ index: p.index, label: p.label, row: Float64Array.from(p.row), value: values[i]! })) };
  }
  // 'final': labels with labelCenters written at the shard's rows, inertia per chunk with centers.
  const labelCenters = task.labelCenters!;
  const labelStep = (t: Tensor): Int32Array => hp.scope(() => chunkStep(hp, t, centroidTensor(labelCenters)).labels);
  const inertia = chunks.map((c) =>
    use(c, (t) => {
      const labels = labelStep(t);
      if (task.labelsOut !== undefined) {
        writeLabels(task.labelsOut, task.labelsOffset ?? 0, c.start, labels);
      }
      return inertiaOf(t.data(WHERE) as Rows, c.rows, d, centers, labels, undefined);
    }),
  );
  return { inertia };
}

/**
 * A piece's step part: the kernel's sums over a head piece, or one part per block of a later
 * piece. `labels` (at least the piece's rows) receives the piece's labels, hashed here.
 */
function stepPiece(p: Piece, t: Tensor, step: (t: Tensor, labels: Int32Array) => ReturnType<typeof chunkStep>, labels: Int32Array): StepPiece {
  const blocks: StepSums[] = [];
  if (p.head) {
    const part = step(t, labels);
    blocks.push({ sums: part.sums, counts: part.counts });
  } else {
    for (let b = 0; b < p.rows; b += LLOYD_BLOCK) {
      const part = step(t.slice([b, Math.min(p.rows, b + LLOYD_BLOCK)]), labels.subarray(b));
      blocks.push({ sums: part.sums, counts: part.counts });
    }
  }
  // The coordinator compares these with the last step's: no change anywhere = strict convergence.
  const hash = createHash('sha1').update(new Uint8Array(labels.buffer, labels.byteOffset, 4 * p.rows)).digest('base64');
  return { chunk: p.chunk, head: p.head, blocks, hash };
}

/** Writes int32 labels at rows [start, start + labels.length) of a .npy made by the coordinator. */
function writeLabels(file: string, dataOffset: number, start: number, labels: Int32Array): void {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (error) {
    return fail({ code: 'IO', kernel: WHERE, problem: `cannot open '${file}' to write labels`, expected: 'the labels file the coordinator created (on a folder all workers share)', received: error instanceof Error ? error.message : String(error) });
  }
  try {
    writeSync(fd, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength), 0, labels.byteLength, dataOffset + 4 * start);
  } finally {
    closeSync(fd);
  }
}
