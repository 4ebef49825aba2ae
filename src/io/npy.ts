/**
 * .npy files (numpy's format, versions 1.0, 2.0 and 3.0) to and from tensors.
 *
 * Reading allocates the tensor first and reads the file's data bytes straight into its storage
 * in the runtime heap: no staging buffer holds the array. Fortran-order files become `col`
 * layout tensors, C-order files `row` ones, so neither is reordered. Big-endian data is swapped
 * in place after the read.
 *
 * dtypes: f4 float32, f8 float64, i1 int8, u1 uint8, i2 int16, u2 uint16, i4 int32, u4 uint32,
 * i8 int64, u8 uint64, and b1 (numpy bool) read as dtype bool holding 0 or 1; a bool tensor is
 * saved as b1 and a uint8 tensor as u1, so both round-trip as numpy sees them.
 */
import { closeSync, openSync } from 'node:fs';
import type { RuntimeCore } from '../runtime/core.js';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkDataBytes, encodeNpyHeader, parseNpyHeader, type NpyVersion } from './npyHeader.js';
import { allocateFor, fixBytes, gatherRowMajor, ioError, openForRead, readHeaderSync, readTensorSync, tensorBytes, writeAllSync, type FileOptions } from './npyData.js';
import { optionsOf, tensorOf } from '../runtime/args.js';

export { parseNpyHeader, type NpyHeader, type NpyVersion } from './npyHeader.js';

export interface LoadNpyOptions {
  /** Name for the new tensor (shown in error messages). */
  readonly name?: string;
  /** Longest header accepted, in bytes; numpy's own limit, 10 000, by default. */
  readonly maxHeaderBytes?: number;
}

export interface NpyInfo {
  readonly dtype: DType;
  /** The descr as written in the file, e.g. `>i4` or `|b1`. */
  readonly descr: string;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  /** Bytes from the start of the file to the first data byte. */
  readonly dataOffset: number;
  readonly version: NpyVersion;
}

export interface NpyWriteInfo {
  /** Bytes written, header included. */
  readonly bytes: number;
  readonly fortranOrder: boolean;
  /**
   * True when the tensor was neither row- nor col-contiguous and its elements were gathered
   * into row-major order chunk by chunk (a copy the caller may want to count).
   */
  readonly gathered: boolean;
}

/**
 * Reads a .npy file into a new tensor the caller owns.
 * @example const x = loadNpy(hp, 'weights.npy'); // f32[768,768], or `col` for Fortran order
 * @throws FORMAT for anything numpy would not have written (bad magic or version, a header that
 *   is not the expected dict literal, unsupported or object descrs, bad dims, a size that
 *   overflows, truncated data or trailing bytes), MEMORY when it cannot fit in the heap, IO when
 *   the file cannot be opened or read
 */
export function loadNpy(hp: RuntimeCore, path: string, loadOptions?: LoadNpyOptions): Tensor {
  const options = optionsOf(loadOptions, 'loadNpy');
  const file: FileOptions = { source: path, where: 'loadNpy', ...limit(options) };
  const fd = openForRead(path, file);
  try {
    const header = readHeaderSync(fd, file);
    return readTensorSync(hp, fd, header, header.shape, header.fortranOrder ? 'col' : 'row', header.dataOffset, { ...file, ...(options.name === undefined ? {} : { name: options.name }) });
  } catch (error) {
    throw ioError(error, 'read', file);
  } finally {
    closeSync(fd);
  }
}

/**
 * A tensor from the bytes of a whole .npy file held in memory (an .npz entry, a buffer from
 * the network), checked as loadNpy checks a file; the data is copied once, into the tensor.
 * @example const x = decodeNpy(hp, bytes, { source: 'upload', where: 'decodeNpy' })
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

/**
 * The header of a .npy file, without reading its data (the file size is still checked against
 * the shape, so a truncated file is reported here too).
 * @example npyInfo('x.npy') // { dtype: 'float64', descr: '<f8', shape: [3, 4], fortranOrder: false, dataOffset: 128, version: '1.0' }
 * @throws FORMAT as loadNpy does, IO when the file cannot be read
 */
export function npyInfo(path: string, options: Pick<LoadNpyOptions, 'maxHeaderBytes'> = {}): NpyInfo {
  const file: FileOptions = { source: path, where: 'npyInfo', ...limit(options) };
  const fd = openForRead(path, file);
  try {
    const h = readHeaderSync(fd, file);
    return { dtype: h.dtype, descr: h.descr, shape: h.shape, fortranOrder: h.fortranOrder, dataOffset: h.dataOffset, version: h.version };
  } catch (error) {
    throw ioError(error, 'read', file);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a tensor as a version 1.0 .npy file (2.0 only if the header would exceed 65535 bytes),
 * little-endian. Row-contiguous tensors are written as C order and col-contiguous ones as
 * Fortran order, both straight from the heap; other views are gathered to C order in chunks
 * (reported as `gathered: true`). `hp` is the runtime the tensor belongs to.
 * @example saveNpy(hp, 'out.npy', hp.tensor([[1, 2], [3, 4]]))
 * @throws LIFETIME for a released tensor, IO when the file cannot be written
 */
export function saveNpy(hp: RuntimeCore, path: string, tensor: Tensor): NpyWriteInfo {
  const file: FileOptions = { source: path, where: 'saveNpy' };
  tensorOf(tensor, file.where, 'tensor').check(file.where);
  const layout = tensor.layout;
  const fortranOrder = layout === 'col';
  const header = encodeNpyHeader(tensor.dtype, tensor.shape, fortranOrder);
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw ioError(error, 'write', file);
  }
  try {
    writeAllSync(fd, header);
    if (layout === 'strided') {
      gatherRowMajor(tensor, file.where, (bytes) => writeAllSync(fd, bytes));
    } else {
      writeAllSync(fd, tensorBytes(tensor, file.where));
    }
  } catch (error) {
    throw ioError(error, 'write', file);
  } finally {
    closeSync(fd);
  }
  return { bytes: header.length + tensor.size * dtypeInfo(tensor.dtype).bytes, fortranOrder, gathered: layout === 'strided' };
}

function limit(options: { maxHeaderBytes?: number }): { maxHeaderBytes?: number } {
  return options.maxHeaderBytes === undefined ? {} : { maxHeaderBytes: options.maxHeaderBytes };
}
