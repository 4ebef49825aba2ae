/**
 * The passes of the out-of-core fit over a points file, each one read of the file in blocks of
 * whole chunks (pointsFile.ts), every sum in the canonical chunk order (chunks.ts), so the fit
 * gives the same bits as the in-memory one: the mean; the centred moments (tol) with the
 * reservoir sample (init); one Lloyd step; the empty-cluster relocation; the final labels,
 * inertia and outputs. Labels between steps live in a temporary int32 file, so memory stays
 * bounded by the blocks whatever n is.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { addInto, addStep, centreRows, chunkRows, chunkStep, columnSums, emptyStep, inertiaOf, momentsOf, type Moments, type Rows } from './chunks.js';
import { firstNonFinite } from './options.js';
import type { NpyOut } from './npyOut.js';
import { eachBlock, type Block, type PassIo, type PointsFile } from './pointsFile.js';
import { Farthest, type Pick } from './relocate.js';
import type { Reservoir } from './reservoir.js';

/** What every pass needs: the file, its two block buffers and the runtime. */
export interface Source {
  readonly rt: RuntimeCore;
  readonly file: PointsFile;
  readonly buffers: readonly [Tensor, Tensor];
}

/** The chunks of a block: rows [a, b) of the block (blocks hold whole chunks). */
export function eachChunk(block: Block, d: number, visit: (a: number, b: number) => void): void {
  const size = chunkRows(d);
  for (let a = 0; a < block.rows; a += size) {
    visit(a, Math.min(block.rows, a + size));
  }
}

export function valuesOf(block: Block): Rows {
  return block.tensor.data('kmeans') as Rows;
}

function nonFinite(values: Rows, start: number, d: number, what: string): void {
  const i = firstNonFinite(values);
  if (i >= 0) {
    fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `${what} contains NaN or Infinity`, expected: 'finite values', received: `${values[i]} at row ${start + Math.floor(i / d)}, column ${i % d}`, hint: 'drop or impute those rows first' });
  }
}

/**
 * Names the first row with NaN or Infinity (in the file, or after centring when `negated` is
 * given): a pass run only when a pass's sums came out non-finite, as the in-memory fit explains
 * them only then. Returns when every value is finite (the sums overflowed instead).
 */
export async function explainPass(src: Source, negated: Rows | undefined): Promise<void> {
  const { d } = src.file;
  await eachBlock(src.file, src.buffers, (block) => {
    const values = valuesOf(block).subarray(0, block.rows * d);
    if (negated !== undefined) {
      centreRows(values, block.rows, negated);
    }
    nonFinite(values, block.start, d, negated === undefined ? `'${src.file.path}'` : `'${src.file.path}' - mean (values this large overflow when centred)`);
  });
}

/** Pass 1: the column sums (chunk order); not finite when some value is not (then explainPass). */
export async function meanPass(src: Source): Promise<{ sums: Float64Array; io: PassIo }> {
  const { d } = src.file;
  const sums = new Float64Array(d);
  const io = await eachBlock(src.file, src.buffers, (block) => {
    const values = valuesOf(block);
    eachChunk(block, d, (a, b) => addInto(sums, columnSums(values.subarray(a * d, b * d), b - a, d)));
  });
  return { sums, io };
}

/** Pass 2: the centred moments (chunk order) for tol, and the rows offered to the reservoir. */
export async function preparePass(src: Source, negated: Rows, reservoir: Reservoir | undefined): Promise<{ moments: Moments; io: PassIo }> {
  const { d } = src.file;
  const moments = { sums: new Float64Array(d), squares: new Float64Array(d) };
  const io = await eachBlock(src.file, src.buffers, (block) => {
    const values = valuesOf(block);
    centreRows(values, block.rows, negated);
    eachChunk(block, d, (a, b) => {
      const part = momentsOf(values.subarray(a * d, b * d), b - a, d);
      addInto(moments.sums, part.sums);
      addInto(moments.squares, part.squares);
    });
    reservoir?.offer(values, block.rows);
  });
  return { moments, io };
}

/** Fixed-width rows of a temporary file: the labels (int32) or Hamerly bounds (2 x float64) of the last step. */
export class RowStore {
  private readonly fd: number;

  /** `width`: bytes per row. */
  constructor(readonly path: string, private readonly width: number) {
    this.fd = openSync(path, 'w+');
  }

  /** Fills `target` from row `start` on. */
  readBytes(start: number, target: Uint8Array): void {
    const at = this.width * start;
    let done = 0;
    while (done < target.length) {
      const got = readSync(this.fd, target, done, target.length - done, at + done);
      if (got === 0) {
        fail({ code: 'IO', kernel: 'kmeans', problem: `the temporary file '${this.path}' is short`, expected: `${target.length} bytes at ${at}`, received: `${done}` });
      }
      done += got;
    }
  }

  writeBytes(start: number, bytes: Uint8Array): void {
    const at = this.width * start;
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(this.fd, bytes, done, bytes.length - done, at + done);
    }
  }

  /** Labels [start, start + count) of a 4-byte store, into `into` when given (reused to spare allocations). */
  read(start: number, count: number, into?: Int32Array): Int32Array {
    const out = into === undefined ? new Int32Array(count) : into.subarray(0, count);
    this.readBytes(start, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Centroids [k, d] in the data's dtype (centred coordinates), as the kernels take them. */
export function centroidTensor(rt: RuntimeCore, centers: Float64Array, k: number, d: number, dtype: 'float32' | 'float64'): Tensor {
  return rt.tensor(dtype === 'float32' ? Float32Array.from(centers) : Float64Array.from(centers), [k, d], { name: 'kmeans centroids' });
}

/** The relocation's candidates: the m points farthest from their centres `old` under the stored labels. */
export async function relocatePass(src: Source, negated: Rows, old: Float64Array, m: number, labels: RowStore): Promise<{ picks: readonly Pick[]; io: PassIo }> {
  const { d } = src.file;
  const top = new Farthest(m);
  const io = await eachBlock(src.file, src.buffers, (block) => {
    const values = valuesOf(block);
    centreRows(values, block.rows, negated);
    const own = labels.read(block.start, block.rows);
    const far = new Float64Array(block.rows);
    inertiaOf(values, block.rows, d, old, own, undefined, far);
    for (let i = 0; i < block.rows; i++) {
      top.offer(far[i]!, block.start + i, () => values.subarray(i * d, (i + 1) * d), own[i]!, 1);
    }
  });
  return { picks: top.chosen(), io };
}

export interface FinalOutputs {
  readonly labels: NpyOut | undefined;
  readonly distances: NpyOut | undefined;
}

/**
 * The result's labels (the stored ones when the run stopped on unchanged labels, else a fresh
 * assignment to `centers`), the inertia in chunk order, cluster sizes, and the streamed
 * outputs: labels (int32) and each point's Euclidean distance to its centroid (float64).
 */
export async function finalPass(src: Source, negated: Rows, centers: Float64Array, k: number, stored: RowStore | undefined, out: FinalOutputs): Promise<{ inertia: number; sizes: number[]; io: PassIo }> {
  const { rt, file } = src;
  const { d } = file;
  const sizes = new Array<number>(k).fill(0);
  let inertia = 0;
  const c = stored === undefined ? centroidTensor(rt, centers, k, d, file.dtype) : undefined;
  const own = new Int32Array(chunkRows(d));
  const far = new Float64Array(chunkRows(d));
  try {
    const io = await eachBlock(file, src.buffers, (block) => {
      const values = valuesOf(block);
      centreRows(values, block.rows, negated);
      eachChunk(block, d, (a, b) => {
        const start = block.start + a;
        const labels = c === undefined ? stored!.read(start, b - a, own) : rt.scope(() => chunkStep(rt, block.tensor.slice([a, b]), c, undefined, own)).labels;
        const distances = far.subarray(0, b - a);
        inertia += inertiaOf(values.subarray(a * d, b * d), b - a, d, centers, labels, undefined, distances);
        for (const label of labels) {
          sizes[label] = sizes[label]! + 1;
        }
        out.labels?.write(labels);
        if (out.distances !== undefined) {
          for (let i = 0; i < distances.length; i++) {
            distances[i] = Math.sqrt(distances[i]!);
          }
          out.distances.write(distances);
        }
      });
    });
    return { inertia, sizes, io };
  } finally {
    c?.release();
  }
}
