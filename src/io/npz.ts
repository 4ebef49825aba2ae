/**
 * .npz archives: a zip of .npy files, one per named array (`np.savez` stores them, and
 * `np.savez_compressed` deflates them). Zip handling is fflate's.
 *
 * Unlike .npy, an archive is read whole into memory and each entry is copied into its tensor,
 * because entries may be compressed; for arrays too large for that, save separate .npy files
 * and use readRows / iterateRows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { unzipSync, zipSync, type UnzipFileInfo, type ZippableFile } from 'fflate';
import { fail, HotpathError } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkDataBytes, encodeNpyHeader, parseNpyHeader } from './npyHeader.js';
import { allocateFor, fixBytes, gatherRowMajor, ioError, tensorBytes, type FileOptions } from './npyData.js';
import { optionsOf } from '../runtime/args.js';

export interface SaveNpzOptions {
  /** Deflate each entry, as np.savez_compressed does; stored (np.savez) by default. */
  readonly compress?: boolean;
}

/** Without zip64 (fflate writes none), sizes and offsets in the archive are 32-bit. */
const ZIP32_LIMIT = 0xffffffff;

/**
 * Reads every array of an .npz archive into new tensors the caller owns, keyed by name without
 * the `.npy` suffix (as numpy's `np.load(...)[name]`). Fortran-order entries become `col` tensors.
 * @example const { weights, bias } = loadNpz(hp, 'model.npz');
 * @throws FORMAT for a file that is not a zip archive, an entry that is not a .npy file, an
 *   unknown compression method, or any entry loadNpy would refuse; MEMORY for an entry too large
 *   for the heap; IO when the file cannot be read
 */
export function loadNpz(hp: RuntimeCore, path: string): Record<string, Tensor> {
  const file: FileOptions = { source: path, where: 'loadNpz' };
  let archive: Uint8Array;
  try {
    archive = readFileSync(path);
  } catch (error) {
    throw ioError(error, 'read', file);
  }
  const entries = unzip(archive, file);
  const loaded: [string, Tensor][] = [];
  try {
    for (const [entry, bytes] of Object.entries(entries)) {
      loaded.push([entry.slice(0, -'.npy'.length), decodeNpy(hp, bytes, { source: `${path}:${entry}`, where: file.where })]);
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
 * A tensor from the bytes of a whole .npy file held in memory.
 * @throws FORMAT as loadNpy does, MEMORY when it cannot fit in the heap
 */
export function decodeNpy(hp: RuntimeCore, bytes: Uint8Array, file: FileOptions): Tensor {
  const header = parseNpyHeader(bytes, file);
  checkDataBytes(header, bytes.length - header.dataOffset, file);
  const t = allocateFor(hp, header, header.shape, header.fortranOrder ? 'col' : 'row', file);
  const target = tensorBytes(t, file.where);
  target.set(bytes.subarray(header.dataOffset));
  fixBytes(target, header);
  return t;
}

/** The archive's entries; every entry is checked before anything is inflated. */
function unzip(archive: Uint8Array, file: FileOptions): Record<string, Uint8Array> {
  const check = (info: UnzipFileInfo): boolean => {
    if (!info.name.endsWith('.npy')) {
      fail({ code: 'FORMAT', kernel: file.where, problem: `'${file.source}' holds an entry that is not a .npy file`, expected: 'entries named <name>.npy, as np.savez writes', received: `'${info.name}'` });
    }
    if (info.compression !== 0 && info.compression !== 8) {
      fail({ code: 'FORMAT', kernel: file.where, problem: `'${file.source}' entry '${info.name}' uses an unsupported compression method`, expected: '0 (stored) or 8 (deflate)', received: String(info.compression) });
    }
    // fflate allocates the declared size up front: refuse sizes no tensor could have.
    if (info.originalSize > ZIP32_LIMIT) {
      fail({ code: 'MEMORY', kernel: file.where, problem: `'${file.source}' entry '${info.name}' is larger than the CPU heap`, expected: 'at most 4 GiB', received: `${info.originalSize} bytes` });
    }
    return true;
  };
  try {
    return unzipSync(archive, { filter: check });
  } catch (error) {
    if (error instanceof HotpathError) {
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    return fail({ code: 'FORMAT', kernel: file.where, problem: `'${file.source}' is not a readable zip archive`, expected: 'an .npz file (a zip of .npy files)', received: message });
  }
}
