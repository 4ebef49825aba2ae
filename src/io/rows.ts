/**
 * Reading part of a .npy file: rows along axis 0 of a C-order array, which lie one after another
 * in the file, so a range of them is one contiguous read straight into tensor storage. This is
 * how a file larger than memory (or than the 4 GiB heap) is processed.
 */
import { closeSync } from 'node:fs';
import { open as openAsync, type FileHandle } from 'node:fs/promises';
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { formatShape, sizeOf } from '../tensor/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkDataBytes, parseNpyHeader, parseNpyPreamble, PREAMBLE_BYTES, type NpyHeader } from './npyHeader.js';
import { allocateFor, fixBytes, IO_CHUNK_BYTES, ioError, openForRead, readHeaderSync, readTensorSync, shortRead, tensorBytes, type FileOptions } from './npyData.js';
import { describeValue, optionsOf } from '../runtime/args.js';

export interface RowsOptions {
  /** Longest header accepted, in bytes (10 000 by default, as numpy). */
  readonly maxHeaderBytes?: number;
}

export interface IterateRowsOptions extends RowsOptions {
  /** Rows per yielded tensor (the last one may have fewer). */
  readonly batch: number;
}

export interface RowPlan {
  readonly rows: number;
  readonly inner: readonly number[];
  /** Bytes of one row along axis 0. */
  readonly rowBytes: number;
}

/**
 * Rows `start .. start + count - 1` (axis 0) of a C-order .npy file, as a new row-major tensor
 * of shape `[count, ...rest]`; only those bytes are read.
 * @example const head = readRows(hp, 'big.npy', 0, 64); // f32[64,768]
 * @throws FORMAT as loadNpy does, LAYOUT for a Fortran-order file (its rows are not contiguous),
 *   SHAPE for a rank-0 file, ARGUMENT for a range outside the file's rows, IO when unreadable
 */
export function readRows(hp: RuntimeCore, path: string, start: number, count: number, rowsOptions?: RowsOptions): Tensor {
  const options = optionsOf(rowsOptions, 'readRows');
  const file: FileOptions = { source: path, where: 'readRows', ...limit(options) };
  const fd = openForRead(path, file);
  try {
    const header = readHeaderSync(fd, file);
    const plan = planRows(header, file);
    checkRange(start, count, plan.rows, file);
    return readTensorSync(hp, fd, header, [count, ...plan.inner], 'row', header.dataOffset + start * plan.rowBytes, file);
  } catch (error) {
    throw ioError(error, 'read', file);
  } finally {
    closeSync(fd);
  }
}

/**
 * Yields the rows of a C-order .npy file as tensors of up to `batch` rows each, reading one
 * batch at a time, so only one batch needs to be in memory. Each tensor belongs to the caller:
 * release it (or use `using`) before asking for the next.
 * @example for await (const x of iterateRows(hp, 'big.npy', { batch: 64 })) { use(x); x.release(); }
 * @throws (when iterated) what readRows throws; ARGUMENT for a batch that is not a positive integer
 */
export function iterateRows(hp: RuntimeCore, path: string, options: IterateRowsOptions): AsyncGenerator<Tensor, void, undefined> {
  // Checked at the call, not at the first next(): a bad call fails where it is written.
  if (options === null || typeof options !== 'object') {
    fail({ code: 'ARGUMENT', kernel: 'iterateRows', problem: 'missing options', expected: 'options with a batch size, e.g. { batch: 65536 }', received: describeValue(options) });
  }
  const batch = options.batch;
  if (!Number.isSafeInteger(batch) || batch < 1) {
    fail({ code: 'ARGUMENT', kernel: 'iterateRows', problem: 'invalid batch', expected: 'a positive integer number of rows', received: String(batch) });
  }
  return batches(hp, path, options, batch);
}

async function* batches(hp: RuntimeCore, path: string, options: IterateRowsOptions, batch: number): AsyncGenerator<Tensor, void, undefined> {
  const file: FileOptions = { source: path, where: 'iterateRows', ...limit(options) };
  let handle: FileHandle;
  try {
    handle = await openAsync(path, 'r');
  } catch (error) {
    throw ioError(error, 'open', file);
  }
  try {
    const header = await readHeaderAsync(handle, file);
    const plan = planRows(header, file);
    // Rows of zero bytes (a 0 in the shape) cannot be larger than memory: one batch of them all,
    // instead of counting through a shape of up to 2^53 rows.
    const step = plan.rowBytes === 0 ? Math.max(plan.rows, 1) : batch;
    for (let start = 0; start < plan.rows; start += step) {
      const count = Math.min(step, plan.rows - start);
      const t = allocateFor(hp, header, [count, ...plan.inner], 'row', file);
      try {
        const bytes = tensorBytes(t, file.where);
        // The heap is shared memory: a grow during the await does not detach these bytes.
        await readExactAsync(handle, bytes, header.dataOffset + start * plan.rowBytes, file);
        fixBytes(bytes, header);
      } catch (error) {
        t.release();
        throw error;
      }
      yield t;
    }
  } catch (error) {
    throw ioError(error, 'read', file);
  } finally {
    await handle.close();
  }
}

/** Rows, the shape of one row, and its bytes; refuses files whose rows are not contiguous. */
export function planRows(header: NpyHeader, file: FileOptions): RowPlan {
  const shape = header.shape;
  if (shape.length === 0) {
    fail({ code: 'SHAPE', kernel: file.where, problem: `'${file.source}' holds a rank-0 array, which has no rows`, expected: 'rank 1 or more', received: `${header.descr} []`, hint: 'use loadNpy()' });
  }
  const rows = shape[0]!;
  const inner = shape.slice(1);
  // In Fortran order axis 0 varies fastest, so a row's elements are spread over the file,
  // unless there is only one row or each row is a single element.
  if (header.fortranOrder && rows > 1 && sizeOf(inner) > 1) {
    fail({
      code: 'LAYOUT',
      kernel: file.where,
      problem: `'${file.source}' is in Fortran order, so its rows are not contiguous in the file`,
      expected: "a C-order file (fortran_order: False)",
      received: `fortran_order: True for ${header.descr} ${formatShape(shape)}`,
      hint: 'load it whole with loadNpy(), or re-save it from numpy with np.ascontiguousarray()',
    });
  }
  return { rows, inner, rowBytes: sizeOf(inner) * dtypeInfo(header.dtype).bytes };
}

function checkRange(start: number, count: number, rows: number, file: FileOptions): void {
  const ok = Number.isSafeInteger(start) && Number.isSafeInteger(count) && start >= 0 && count >= 0 && start + count <= rows;
  if (!ok) {
    fail({ code: 'ARGUMENT', kernel: file.where, problem: `rows out of range for '${file.source}'`, expected: `integers start >= 0, count >= 0 with start + count <= ${rows}`, received: `start ${start}, count ${count}` });
  }
}

async function readHeaderAsync(handle: FileHandle, file: FileOptions): Promise<NpyHeader> {
  const { size } = await handle.stat();
  const first = new Uint8Array(PREAMBLE_BYTES);
  const { bytesRead } = await handle.read(first, 0, PREAMBLE_BYTES, 0);
  const preamble = parseNpyPreamble(first.subarray(0, bytesRead), file);
  const all = new Uint8Array(preamble.headerStart + preamble.headerLength);
  const got = await readFullyAsync(handle, all, 0);
  const header = parseNpyHeader(all.subarray(0, got), file);
  checkDataBytes(header, size - header.dataOffset, file);
  return header;
}

async function readExactAsync(handle: FileHandle, target: Uint8Array, position: number, file: FileOptions): Promise<void> {
  const got = await readFullyAsync(handle, target, position);
  if (got < target.length) {
    shortRead(got, target.length, file);
  }
}

async function readFullyAsync(handle: FileHandle, target: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await handle.read(target, done, Math.min(IO_CHUNK_BYTES, target.length - done), position + done);
    if (bytesRead === 0) {
      break;
    }
    done += bytesRead;
  }
  return done;
}

function limit(options: RowsOptions): { maxHeaderBytes?: number } {
  return options.maxHeaderBytes === undefined ? {} : { maxHeaderBytes: options.maxHeaderBytes };
}
