/**
 * A .npy file of points [n, d] (C order, float32 or float64) read in blocks of whole chunks
 * (chunks.ts) into two heap buffers: block i+1 is read (an async read on libuv's pool) while
 * block i is computed, and every pass reports the bytes read, the time spent reading and the
 * time the computation waited for a read, which is what says whether a run is I/O-bound.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { fail } from '../errors.js';
import { fixBytes, ioError, openFd, readHeaderSync, shortRead, tensorBytes, type FileOptions } from '../io/npyData.js';
import type { NpyHeader } from '../io/npyHeader.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { chunkRows } from './chunks.js';
import { promisify } from 'node:util';
import { read as readCallback } from 'node:fs';

const readAsync = promisify(readCallback);
const WHERE = 'kmeans';

/** What one pass over the file cost: bytes, seconds reading (overlapped), seconds waiting for reads, seconds computing. */
export interface PassIo {
  readonly bytes: number;
  readonly readSeconds: number;
  readonly waitSeconds: number;
  readonly computeSeconds: number;
}

export interface PointsFile {
  readonly path: string;
  readonly header: NpyHeader;
  readonly n: number;
  readonly d: number;
  readonly dtype: 'float32' | 'float64';
  /** Bytes of one row. */
  readonly rowBytes: number;
  /** Rows per block: a whole number of chunks. */
  readonly blockRows: number;
  readonly fd: number;
  /** Size and modification time at open, to notice a file changed during the fit. */
  readonly stamp: { readonly size: number; readonly mtimeMs: number };
}

/** One block handed to the computation: rows [start, start + rows) as a row-major heap tensor (valid until the next block). */
export interface Block {
  readonly start: number;
  readonly rows: number;
  readonly tensor: Tensor;
}

/**
 * Opens and checks a points file; blockBytes is rounded down to whole chunks (at least one).
 * @throws IO (unreadable), FORMAT (bad or truncated .npy), SHAPE (not [n, d] with n, d > 0), DTYPE (not float32/float64), LAYOUT (Fortran order)
 */
export function openPoints(path: string, blockBytes: number): PointsFile {
  const file: FileOptions = { source: path, where: WHERE };
  const fd = openFd(path, 'r', file);
  try {
    const header = readHeaderSync(fd, file);
    const shape = header.shape;
    const text = `${header.descr} [${shape.join(',')}]`;
    if (shape.length !== 2 || shape[0] === 0 || shape[1] === 0) {
      fail({ code: 'SHAPE', kernel: WHERE, problem: `'${path}' is not a matrix of points`, expected: 'rank 2: [points, features], both > 0', received: text });
    }
    if (header.dtype !== 'float32' && header.dtype !== 'float64') {
      fail({ code: 'DTYPE', kernel: WHERE, problem: `'${path}' has an unsupported dtype`, expected: 'float32 | float64', received: text, hint: "save it as float32 with numpy's astype" });
    }
    if (header.fortranOrder && shape[0]! > 1 && shape[1]! > 1) {
      fail({ code: 'LAYOUT', kernel: WHERE, problem: `'${path}' is in Fortran order, so its rows are not contiguous in the file`, expected: 'a C-order file (fortran_order: False)', received: text, hint: 're-save it with np.ascontiguousarray()' });
    }
    const [n, d] = shape as [number, number];
    const rowBytes = d * (header.dtype === 'float32' ? 4 : 8);
    const chunk = chunkRows(d);
    const blockRows = chunk * Math.max(1, Math.floor(blockBytes / (chunk * rowBytes)));
    const { size, mtimeMs } = fstatSync(fd);
    return { path, header, n, d, dtype: header.dtype, rowBytes, blockRows, fd, stamp: { size, mtimeMs } };
  } catch (error) {
    closeSync(fd);
    throw ioError(error, 'read', file);
  }
}

export function closePoints(f: PointsFile): void {
  closeSync(f.fd);
}

/** Throws FORMAT when the file's size or modification time changed since it was opened (checked before every pass). */
export function checkUnchanged(f: PointsFile): void {
  const { size, mtimeMs } = fstatSync(f.fd);
  if (size !== f.stamp.size || mtimeMs !== f.stamp.mtimeMs) {
    fail({ code: 'FORMAT', kernel: WHERE, problem: `'${f.path}' changed during the fit`, expected: `${f.stamp.size} bytes, modified at ${new Date(f.stamp.mtimeMs).toISOString()}`, received: `${size} bytes, modified at ${new Date(mtimeMs).toISOString()}`, hint: 'do not write the file while k-means reads it' });
  }
}

async function readInto(f: PointsFile, target: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await readAsync(f.fd, target, done, Math.min(1 << 30, target.length - done), position + done);
    if (bytesRead === 0) {
      shortRead(done, target.length, { source: f.path, where: WHERE });
    }
    done += bytesRead;
  }
  fixBytes(target, f.header);
}

/** A block read in flight into one of the two buffers; done resolves to the read's seconds. */
interface Pending {
  readonly start: number;
  readonly rows: number;
  readonly slot: number;
  readonly bytes: number;
  readonly done: Promise<number>;
}

/**
 * The next pass's first block, read while a pass computes its last one (the buffer that block
 * is not in is free then), so a pass over a file of few blocks does not begin by waiting for a
 * whole block: one per fit, handed to every full pass. Whoever releases the buffers or closes the
 * file first awaits settle().
 */
export class ReadAhead {
  pending: Pending | undefined;

  /** Waits for a read in flight (its errors are the next pass's, and there is none). */
  async settle(): Promise<void> {
    await this.pending?.done.catch(() => undefined);
    this.pending = undefined;
  }
}

function startRead(f: PointsFile, buffers: readonly [Tensor, Tensor], start: number, rows: number, slot: number): Pending {
  const view = buffers[slot]!.slice([0, rows]);
  const target = tensorBytes(view, WHERE);
  view.release();
  const began = performance.now();
  const done = readInto(f, target, f.header.dataOffset + start * f.rowBytes).then(() => (performance.now() - began) / 1000);
  // Handled where it is awaited; this keeps an early failure from being reported as unhandled.
  done.catch(() => undefined);
  return { start, rows, slot, bytes: target.length, done };
}

/**
 * Calls `compute` on every block in order, reading the next block while it runs; `buffers` are
 * two heap tensors of at least blockRows rows. Rows [first, last) only (default all). With
 * `ahead`, a full pass takes its first block from ahead when it was read there, and reads the
 * next pass's first block into ahead while it computes its last one.
 */
export async function eachBlock(f: PointsFile, buffers: readonly [Tensor, Tensor], compute: (block: Block) => void, first = 0, last = f.n, ahead?: ReadAhead): Promise<PassIo> {
  checkUnchanged(f);
  let readSeconds = 0;
  let waitSeconds = 0;
  let computeSeconds = 0;
  let bytes = 0;
  const full = ahead !== undefined && first === 0 && last === f.n;
  let pending: Pending | undefined;
  if (ahead?.pending !== undefined) {
    const early = ahead.pending;
    ahead.pending = undefined;
    if (full && early.start === first && early.rows === Math.min(f.blockRows, last - first)) {
      pending = early;
    } else {
      await early.done.catch(() => undefined);
    }
  }
  pending ??= first < last ? startRead(f, buffers, first, Math.min(f.blockRows, last - first), 0) : undefined;
  try {
    while (pending !== undefined) {
      const current = pending;
      const waitFrom = performance.now();
      readSeconds += await current.done;
      bytes += current.bytes;
      waitSeconds += (performance.now() - waitFrom) / 1000;
      const next = current.start + current.rows;
      pending = next < last ? startRead(f, buffers, next, Math.min(f.blockRows, last - next), 1 - current.slot) : undefined;
      if (pending === undefined && full) {
        ahead!.pending = startRead(f, buffers, 0, Math.min(f.blockRows, f.n), 1 - current.slot);
      }
      const computeFrom = performance.now();
      const view = buffers[current.slot]!.slice([0, current.rows]);
      try {
        compute({ start: current.start, rows: current.rows, tensor: view });
      } finally {
        view.release();
      }
      computeSeconds += (performance.now() - computeFrom) / 1000;
    }
  } catch (error) {
    // Let a read in flight finish before its buffer can be released by the caller.
    await pending?.done.catch(() => undefined);
    await ahead?.settle();
    throw ioError(error, 'read', { source: f.path, where: WHERE });
  }
  return { bytes, readSeconds, waitSeconds, computeSeconds };
}

/** Rows [start, start + count) as plain values (a few rows: first rows, relocation candidates). */
export function readRowsSync(f: PointsFile, start: number, count: number): Float32Array | Float64Array {
  const bytes = new Uint8Array(count * f.rowBytes);
  const got = readSync(f.fd, bytes, 0, bytes.length, f.header.dataOffset + start * f.rowBytes);
  if (got < bytes.length) {
    shortRead(got, bytes.length, { source: f.path, where: WHERE });
  }
  fixBytes(bytes, f.header);
  return f.dtype === 'float32' ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer);
}

/** Two heap buffers of blockRows rows for eachBlock, made together (both or neither). */
export function blockBuffers(rt: RuntimeCore, f: PointsFile): [Tensor, Tensor] {
  const rows = Math.min(f.n, f.blockRows);
  return rt.scope(() => [rt.empty([rows, f.d], f.dtype, { zero: false, name: 'kmeans block A' }), rt.empty([rows, f.d], f.dtype, { zero: false, name: 'kmeans block B' })]) as [Tensor, Tensor];
}
