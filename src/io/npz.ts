/**
 * .npz archives: a zip of .npy files, one per named array (`np.savez` stores them, and
 * `np.savez_compressed` deflates them). Writing and inflating are fflate's; the directory is
 * read by zip.ts so that every declared size is checked before anything is inflated.
 *
 * The archive file is read whole into memory (its own size), and each entry goes from it
 * straight into its tensor's storage: stored entries by one copy, deflated ones inflated piece
 * by piece into it (npzEntry.ts), never through a buffer of the whole entry. For arrays larger
 * than that allows, save separate .npy files and use readRows / iterateRows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { zipSync, type ZippableFile } from 'fflate';
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import { MAX_PAGES, PAGE_BYTES, RESERVED_BYTES } from '../runtime/heap.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { encodeNpyHeader } from './npyHeader.js';
import { gatherRowMajor, ioError, tensorBytes, type FileOptions } from './npyData.js';
import { readEntry } from './npzEntry.js';
import { readZipDirectory, type ZipEntry } from './zip.js';
import { optionsOf } from '../runtime/args.js';

export interface SaveNpzOptions {
  /** Deflate each entry, as np.savez_compressed does; stored (np.savez) by default. */
  readonly compress?: boolean;
}

/** Without zip64 (fflate writes none), sizes and offsets in the archive are 32-bit. */
const ZIP32_LIMIT = 0xffffffff;
/** The most bytes all entries together may inflate to in any runtime: what a wasm32 heap can hold. */
const HEAP_LIMIT_BYTES = MAX_PAGES * PAGE_BYTES - RESERVED_BYTES;
/**
 * Deflate's largest expansion: at best 2 bits per 258-byte match, so 1032 output bytes per input
 * byte. An entry declaring more than that is a lie (a zip bomb's directory) and is refused
 * before anything is allocated for it.
 */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Reads every array of an .npz archive into new tensors the caller owns, keyed by name without
 * the `.npy` suffix (as numpy's `np.load(...)[name]`). Fortran-order entries become `col` tensors.
 * @example const { weights, bias } = loadNpz(hp, 'model.npz');
 * @throws FORMAT for a file that is not a zip archive, an entry that is not a .npy file, an
 *   unknown compression method or encryption, a duplicate name, a size the entry's data cannot
 *   have (more than deflate can produce from it, or not what its .npy header says), a corrupt
 *   deflate stream, or any entry loadNpy would refuse; MEMORY when the entries together are
 *   larger than the heap (checked before anything is inflated); IO when the file cannot be read
 */
export function loadNpz(hp: RuntimeCore, path: string): Record<string, Tensor> {
  const file: FileOptions = { source: path, where: 'loadNpz' };
  checkPath(path, file.where);
  let archive: Uint8Array;
  try {
    archive = readFileSync(path);
  } catch (error) {
    throw ioError(error, 'read', file);
  }
  return decodeNpz(hp, archive, file);
}

/**
 * The arrays of an .npz archive held in memory (loadNpz without the file read; the fuzz
 * targets call it directly). @throws as loadNpz does, except IO
 */
export function decodeNpz(hp: RuntimeCore, archive: Uint8Array, file: FileOptions): Record<string, Tensor> {
  const entries = readZipDirectory(archive, file);
  checkEntries(entries, Math.min(HEAP_LIMIT_BYTES, hp.heapRoomBytes()), file);
  const loaded: [string, Tensor][] = [];
  try {
    for (const entry of entries) {
      loaded.push([entry.name.slice(0, -'.npy'.length), readEntry(hp, archive, entry, { source: `${file.source}:${entry.name}`, where: file.where })]);
    }
  } catch (error) {
    loaded.forEach(([, t]) => t.release());
    throw error;
  }
  // fromEntries defines own properties, so an entry named __proto__ cannot touch the prototype.
  return Object.fromEntries(loaded);
}

/**
 * Writes tensors as an .npz archive numpy can load: each becomes `<name>.npy` (C order, or
 * Fortran order for col tensors), stored, or deflated with `compress: true`.
 * @example saveNpz(hp, 'model.npz', { weights: w, bias: b }, { compress: true })
 * @throws ARGUMENT for a value that is not a tensor, an empty name, or an archive over 4 GiB;
 *   LIFETIME for a released tensor; IO when the file cannot be written
 */
export function saveNpz(hp: RuntimeCore, path: string, tensors: Record<string, Tensor>, saveOptions?: SaveNpzOptions): void {
  const file: FileOptions = { source: path, where: 'saveNpz' };
  checkPath(path, file.where);
  const options = optionsOf(saveOptions, file.where);
  if (tensors === null || typeof tensors !== 'object') {
    fail({ code: 'ARGUMENT', kernel: file.where, problem: 'invalid tensors', expected: 'an object of named tensors, e.g. { weights: w }', received: String(tensors) });
  }
  const level = options.compress === true ? 6 : 0;
  let total = 0;
  const files = Object.entries(tensors).map(([name, t]): [string, ZippableFile] => {
    if (!(t instanceof Tensor) || name.length === 0) {
      fail({ code: 'ARGUMENT', kernel: file.where, problem: `invalid entry '${name}'`, expected: 'a non-empty name and a Tensor', received: t instanceof Tensor ? 'an empty name' : String(t) });
    }
    const bytes = encodeNpy(t, file.where);
    total += bytes.length + 2 * name.length + 128;
    return [`${name}.npy`, [bytes, { level }]];
  });
  if (total > ZIP32_LIMIT) {
    fail({ code: 'ARGUMENT', kernel: file.where, problem: 'the archive would exceed 4 GiB, which needs zip64', expected: 'at most 4 GiB of arrays', received: `${total} bytes`, hint: 'save large arrays as separate .npy files with saveNpy()' });
  }
  const archive = zipSync(Object.fromEntries(files));
  try {
    writeFileSync(path, archive);
  } catch (error) {
    throw ioError(error, 'write', file);
  }
}

/**
 * One tensor as the bytes of a .npy file (header and data), in a fresh buffer.
 * @throws LIFETIME for a released tensor
 */
export function encodeNpy(t: Tensor, where: string): Uint8Array {
  t.check(where);
  const layout = t.layout;
  const header = encodeNpyHeader(t.dtype, t.shape, layout === 'col');
  const out = new Uint8Array(header.length + t.size * dtypeInfo(t.dtype).bytes);
  out.set(header, 0);
  if (layout !== 'strided') {
    out.set(tensorBytes(t, where), header.length);
    return out;
  }
  let at = header.length;
  gatherRowMajor(t, where, (bytes) => {
    out.set(bytes, at);
    at += bytes.length;
  });
  return out;
}

/**
 * Refuses, before anything is inflated or allocated, what no .npz numpy wrote can hold: entries
 * that are not .npy files, duplicate names, encryption, methods other than stored and deflate,
 * declared sizes the data cannot produce, and a total larger than the room left in the heap
 * (`room` bytes).
 */
function checkEntries(entries: readonly ZipEntry[], room: number, file: FileOptions): void {
  const names = new Set<string>();
  let total = 0;
  for (const entry of entries) {
    const bad = (problem: string, expected: string, received: string, code: 'FORMAT' | 'MEMORY' = 'FORMAT'): never =>
      fail({ code, kernel: file.where, problem: `'${file.source}' entry '${entry.name}' ${problem}`, expected, received });
    if (!entry.name.endsWith('.npy')) {
      bad('is not a .npy file', 'entries named <name>.npy, as np.savez writes', `'${entry.name}'`);
    }
    if (names.has(entry.name)) {
      bad('appears twice', 'each name once', 'a second entry of that name');
    }
    names.add(entry.name);
    if ((entry.flags & 1) !== 0) {
      bad('is encrypted', 'an unencrypted entry', 'the encryption flag');
    }
    if (entry.method !== 0 && entry.method !== 8) {
      bad('uses an unsupported compression method', '0 (stored) or 8 (deflate)', String(entry.method));
    }
    const most = entry.method === 0 ? entry.compressedSize : entry.compressedSize * MAX_DEFLATE_RATIO;
    if (entry.size > most || (entry.method === 0 && entry.size !== entry.compressedSize)) {
      bad('declares a size its data cannot have', entry.method === 0 ? `${entry.compressedSize} bytes (stored)` : `at most ${most} bytes (deflate expands at most ${MAX_DEFLATE_RATIO}:1 from ${entry.compressedSize} bytes)`, `${entry.size} bytes`);
    }
    total += entry.size;
    if (total > room) {
      bad('takes the archive past what the CPU heap can hold', `at most ${room} bytes of arrays in all (the room left in the heap)`, `${total} bytes declared so far`, 'MEMORY');
    }
  }
}

/**
 * A path must be a string: readFileSync and writeFileSync take a number as an open file
 * descriptor, so loadNpz(0) would read stdin (and block), and on Node 22/24, where fd 5 is one
 * of Node's own pipes, loadNpz(5) blocked forever (Node 20: EBADF).
 */
function checkPath(path: unknown, where: string): void {
  if (typeof path !== 'string') {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid path', expected: 'a file path (string)', received: typeof path === 'number' ? `the number ${path} (a file descriptor is not accepted)` : String(path) });
  }
}
