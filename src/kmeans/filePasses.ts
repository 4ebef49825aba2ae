/**
 * The passes of the out-of-core fit over a points file, each one read of the file in blocks of
 * whole chunks (pointsFile.ts), every sum in the canonical chunk order (chunks.ts), so the fit
 * gives the same bits as the in-memory one: the mean with the reservoir sample (init); the
 * centred moments (tol > 0 only); and what they share: chunks, centring by the add kernel, the
 * centroids as a tensor. The Lloyd steps, relocation and final pass are in fileHamerly.ts.
 */
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { addInto, centreRows, chunkRows, columnSums, momentsOf, type Moments, type Rows } from './chunks.js';
import { firstNonFinite } from './options.js';
import { eachBlock, type Block, type PassIo, type PointsFile, type ReadAhead } from './pointsFile.js';
import type { Reservoir } from './reservoir.js';

/** What every pass needs: the file, its two block buffers, the read ahead of the next pass's first block, and the runtime. */
export interface Source {
  readonly rt: RuntimeCore;
  readonly file: PointsFile;
  readonly buffers: readonly [Tensor, Tensor];
  readonly ahead: ReadAhead;
}

/** eachBlock over the whole file, with the source's read ahead. */
export function eachSourceBlock(src: Source, compute: (block: Block) => void): Promise<PassIo> {
  return eachBlock(src.file, src.buffers, compute, 0, src.file.n, src.ahead);
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
  await eachSourceBlock(src, (block) => {
    const values = valuesOf(block).subarray(0, block.rows * d);
    if (negated !== undefined) {
      centreRows(values, block.rows, negated);
    }
    nonFinite(values, block.start, d, negated === undefined ? `'${src.file.path}'` : `'${src.file.path}' - mean (values this large overflow when centred)`);
  });
}

/** Pass 1: the column sums (chunk order; not finite when some value is not: then explainPass), and the raw rows offered to the reservoir (centred once the mean is known). */
export async function meanPass(src: Source, reservoir: Reservoir | undefined): Promise<{ sums: Float64Array; io: PassIo }> {
  const { d } = src.file;
  const sums = new Float64Array(d);
  const io = await eachSourceBlock(src, (block) => {
    const values = valuesOf(block);
    eachChunk(block, d, (a, b) => addInto(sums, columnSums(values.subarray(a * d, b * d), b - a, d)));
    reservoir?.offer(values, block.rows);
  });
  return { sums, io };
}

/** Pass 2, for tol only: the centred moments (chunk order). */
export async function momentsPass(src: Source, centring: Centring): Promise<{ moments: Moments; io: PassIo }> {
  const { d } = src.file;
  const moments = { sums: new Float64Array(d), squares: new Float64Array(d) };
  const io = await eachSourceBlock(src, (block) => {
    eachChunk(block, d, (a, b) => {
      const part = src.rt.scope(() => momentsOf(viewValues<Rows>(centring.of(block.tensor.slice([a, b])), 'kmeans'), b - a, d));
      addInto(moments.sums, part.sums);
      addInto(moments.squares, part.squares);
    });
  });
  return { moments, io };
}

/** Inner length (elements) the centring's broadcast add aims at: long rows run at copy speed, [rows, d] rows of 32 did not (4.0 against 2.1 ms per 16 MiB chunk). */
const CENTRING_ELEMENTS = 2048;

/**
 * Centres rows of the file by the add kernel (threaded SIMD; the same bits as chunks.ts's
 * centreRows, one add in the data's dtype): [rows, d] is viewed as [rows / m, m d] and the
 * negated mean tiled m times, so the broadcast's inner loop is long (m a power of two dividing
 * rows, m d about CENTRING_ELEMENTS). The JS loop took about 40% of an iteration at d = 32.
 */
export class Centring {
  private readonly tiled: Tensor;
  private readonly copies: number;
  /** The negated mean [d] in the data's dtype: hamerly's offset, which centres rows as it reads them. */
  readonly offset: Tensor;

  constructor(private readonly rt: RuntimeCore, private readonly negated: Rows) {
    const d = negated.length;
    let copies = 1;
    while (2 * copies * d <= CENTRING_ELEMENTS) {
      copies *= 2;
    }
    const values = negated instanceof Float32Array ? new Float32Array(copies * d) : new Float64Array(copies * d);
    for (let m = 0; m < copies; m++) {
      values.set(negated, m * d);
    }
    this.copies = copies;
    this.tiled = rt.tensor(values, [copies * d], { name: 'kmeans negated mean' });
    this.offset = this.tiled.slice([0, d]);
  }

  /** `rows` (a row-major [rows, d] view) centred into a new [rows, d] tensor of the caller's scope. */
  of(rows: Tensor): Tensor {
    const n = rows.shape[0]!;
    const d = this.negated.length;
    let m = this.copies;
    while (n % m !== 0) {
      m /= 2;
    }
    const tiled = m === this.copies ? this.tiled : this.tiled.slice([0, m * d]);
    return this.rt.run('add', [rows.reshape([n / m, m * d]), tiled])[0]!.reshape([n, d]);
  }

  release(): void {
    this.offset.release();
    this.tiled.release();
  }
}

/** The elements of a contiguous heap tensor view, as a typed array over the heap. */
export function viewValues<T extends Int32Array | Rows>(t: Tensor, where: string): T {
  return (t.data(where) as T).subarray(t.offset, t.offset + t.size) as T;
}

/** Centroids [k, d] in the data's dtype (centred coordinates), as the kernels take them. */
export function centroidTensor(rt: RuntimeCore, centers: Float64Array, k: number, d: number, dtype: 'float32' | 'float64'): Tensor {
  return rt.tensor(dtype === 'float32' ? Float32Array.from(centers) : Float64Array.from(centers), [k, d], { name: 'kmeans centroids' });
}
