/**
 * What the .npy readers and writers share: tensor bytes as a Uint8Array over the runtime's heap
 * (so file reads land in tensor storage with no staging buffer), byte swapping, header reads
 * from a file descriptor, and row-major gathering of strided views for writing.
 */
import { fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { fail, HotpathError } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import { MAX_PAGES, PAGE_BYTES, RESERVED_BYTES } from '../runtime/heap.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { rowStrides, sizeOf } from '../tensor/layout.js';
import { copyStrided, type Tensor } from '../tensor/tensor.js';
import { checkDataBytes, parseNpyHeader, parseNpyPreamble, PREAMBLE_BYTES, type HeaderOptions, type NpyHeader } from './npyHeader.js';

/** Node reads and writes at most 2^31 - 1 bytes per call; stay well below. */
export const IO_CHUNK_BYTES = 1 << 30;
/** Elements gathered per write when a strided view is saved (a few MiB at most). */
const GATHER_ELEMENTS = 1 << 20;
/** The largest tensor a wasm32 heap can hold, in bytes. */
const HEAP_LIMIT_BYTES = MAX_PAGES * PAGE_BYTES - RESERVED_BYTES;

export interface FileOptions extends HeaderOptions {
  readonly source: string;
  readonly where: string;
}

/**
 * A Uint8Array over the bytes of a contiguous (row or col) view, in the runtime's heap: reading
 * a file into it fills the tensor, and writing it out writes the tensor, without a copy.
 */
export function tensorBytes(t: Tensor, where: string): Uint8Array {
  const data = t.data(where);
  const width = dtypeInfo(t.dtype).bytes;
  return new Uint8Array(data.buffer, data.byteOffset + t.offset * width, t.size * width);
}

/**
 * A fresh tensor for `shape` elements of the header's dtype; contents are left unwritten because
 * the caller fills every byte. `col` layout for Fortran-order data, so its bytes go in as they are.
 * @throws MEMORY when the data cannot fit in a wasm32 heap (the heap itself throws for smaller limits)
 */
export function allocateFor(hp: RuntimeCore, header: NpyHeader, shape: readonly number[], layout: 'row' | 'col', options: FileOptions & { name?: string }): Tensor {
  const bytes = sizeOf(shape) * dtypeInfo(header.dtype).bytes;
  if (bytes > HEAP_LIMIT_BYTES) {
    fail({
      code: 'MEMORY',
      kernel: options.where,
      problem: `'${options.source}' holds more data than the CPU heap can address`,
      expected: `at most ${HEAP_LIMIT_BYTES} bytes`,
      received: `${bytes} bytes for ${header.descr} [${shape.join(',')}]`,
      hint: 'read it in parts with readRows() or iterateRows()',
    });
  }
  return hp.empty(shape, header.dtype, { layout, zero: false, ...(options.name === undefined ? {} : { name: options.name }) });
}

/**
 * A tensor of `shape` filled from the file's bytes at `position` (byte order fixed); released
 * again if the read fails. loadNpy and readRows read through it.
 */
export function readTensorSync(hp: RuntimeCore, fd: number, header: NpyHeader, shape: readonly number[], layout: 'row' | 'col', position: number, options: FileOptions & { name?: string }): Tensor {
  const t = allocateFor(hp, header, shape, layout, options);
  try {
    const bytes = tensorBytes(t, options.where);
    readExactSync(fd, bytes, position, options);
    fixBytes(bytes, header);
  } catch (error) {
    t.release();
    throw error;
  }
  return t;
}

/**
 * Makes bytes read from a file right for this machine, in place: swaps each element when the
 * file's byte order differs, and turns numpy booleans into exactly 0 or 1.
 */
export function fixBytes(bytes: Uint8Array, header: NpyHeader): void {
  if (header.swap) {
    swapBytes(bytes, dtypeInfo(header.dtype).bytes);
  }
  if (header.bool) {
    // A hostile file may hold any byte in a b1 array; numpy reads non-zero as True.
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0) {
        bytes[i] = 1;
      }
    }
  }
}

/** Reverses each `width`-byte element in place. */
export function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo]!;
      bytes[lo] = bytes[hi]!;
      bytes[hi] = t;
    }
  }
}

/**
 * Reads and checks the header of an open .npy file, and that the file holds exactly the data
 * the header promises (so the reads that follow cannot come up short unless the file changes).
 * @throws FORMAT as parseNpyHeader and checkDataBytes do
 */
export function readHeaderSync(fd: number, options: FileOptions): NpyHeader {
  const fileBytes = fstatSync(fd).size;
  const first = new Uint8Array(PREAMBLE_BYTES);
  const got = readSync(fd, first, 0, PREAMBLE_BYTES, 0);
  const preamble = parseNpyPreamble(first.subarray(0, got), options);
  const all = new Uint8Array(preamble.headerStart + preamble.headerLength);
  const n = readFullySync(fd, all, 0);
  const header = parseNpyHeader(all.subarray(0, n), options);
  checkDataBytes(header, fileBytes - header.dataOffset, options);
  return header;
}

/** Fills `target` from the file at `position`; returns the bytes read (fewer only at end of file). */
export function readFullySync(fd: number, target: Uint8Array, position: number): number {
  let done = 0;
  while (done < target.length) {
    const n = readSync(fd, target, done, Math.min(IO_CHUNK_BYTES, target.length - done), position + done);
    if (n === 0) {
      break;
    }
    done += n;
  }
  return done;
}

/** Reads exactly `target.length` bytes or throws FORMAT (the file shrank after it was checked). */
export function readExactSync(fd: number, target: Uint8Array, position: number, options: FileOptions): void {
  const n = readFullySync(fd, target, position);
  if (n < target.length) {
    shortRead(n, target.length, options);
  }
}

export function shortRead(received: number, expected: number, options: FileOptions): never {
  return fail({ code: 'FORMAT', kernel: options.where, problem: `'${options.source}' has truncated data`, expected: `${expected} more bytes`, received: `${received} bytes` });
}

/** Writes all of `bytes`, in chunks Node accepts, looping over partial writes. */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, Math.min(IO_CHUNK_BYTES, bytes.length - done));
  }
}

/**
 * Hands the elements of a strided view to `visit` in row-major order, a few thousand rows of
 * axis 0 at a time, so saving a transposed or sliced tensor never needs a whole second copy.
 * The bytes passed to `visit` are reused for the next chunk.
 */
export function gatherRowMajor(t: Tensor, where: string, visit: (bytes: Uint8Array) => void): void {
  const info = dtypeInfo(t.dtype);
  const inner = t.shape.slice(1);
  const rowElements = Math.max(1, sizeOf(inner));
  const rows = t.shape[0] ?? 1;
  const perChunk = Math.max(1, Math.floor(GATHER_ELEMENTS / rowElements));
  const chunk = info.create(new ArrayBuffer(Math.min(rows, perChunk) * rowElements * info.bytes), 0, Math.min(rows, perChunk) * rowElements);
  const src = t.data(where);
  for (let r = 0; r < rows; r += perChunk) {
    const shape = [Math.min(perChunk, rows - r), ...inner];
    copyStrided(src, { shape, strides: t.strides, offset: t.offset + r * (t.strides[0] ?? 0) }, chunk, { shape, strides: rowStrides(shape), offset: 0 });
    visit(new Uint8Array(chunk.buffer, 0, sizeOf(shape) * info.bytes));
  }
}

/** openSync, with a Node error turned into IO naming the file. */
export function openFd(path: string, flags: 'r' | 'w', options: FileOptions): number {
  try {
    return openSync(path, flags);
  } catch (error) {
    throw ioError(error, flags === 'r' ? 'open' : 'write', options);
  }
}

/** Turns a Node file error (one with an errno `code`) into an IO HotpathError naming the file; other errors pass through. */
export function ioError(error: unknown, action: string, options: FileOptions): unknown {
  if (error instanceof HotpathError || !(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') {
    return error;
  }
  const message = error.message;
  return new HotpathError({ code: 'IO', kernel: options.where, problem: `cannot ${action} '${options.source}'`, expected: action === 'write' ? 'a writable path' : 'a readable file', received: message });
}

/** Opens a file for reading; a Node error becomes IO naming the file. @throws IO */
export function openForRead(path: string, file: FileOptions): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw ioError(error, 'open', file);
  }
}
