/**
 * Rows [start, start + count) of a C-order .npy file for one shard. Unlike readRows, only this
 * shard's bytes must be present: a file cut short fails the shards whose rows lie past the cut
 * (FORMAT naming the file and the byte offsets), and the shards before it still finish.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { fail, isHotpathError } from '../errors.js';
import { ioError, openForRead, readFullySync, readTensorSync, type FileOptions } from '../io/npyData.js';
import { parseNpyHeader, parseNpyPreamble, PREAMBLE_BYTES, type NpyHeader } from '../io/npyHeader.js';
import { planRows, type RowPlan } from '../io/rows.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ShardFile {
  readonly header: NpyHeader;
  readonly plan: RowPlan;
  /** File size in bytes. */
  readonly size: number;
}

/**
 * The header of a .npy file, with FORMAT errors that say it was the header, at byte 0.
 * @throws FORMAT, LAYOUT (Fortran order), SHAPE (rank 0), IO
 */
export function shardFile(path: string, where: string): ShardFile {
  const file: FileOptions = { source: path, where };
  const fd = openForRead(path, file);
  try {
    return headerOf(fd, path, where);
  } finally {
    closeSync(fd);
  }
}

function headerOf(fd: number, path: string, where: string): ShardFile {
  const file: FileOptions = { source: path, where };
  const size = fstatSync(fd).size;
  let header: NpyHeader;
  try {
    const first = new Uint8Array(PREAMBLE_BYTES);
    const got = readSync(fd, first, 0, PREAMBLE_BYTES, 0);
    const preamble = parseNpyPreamble(first.subarray(0, got), file);
    const all = new Uint8Array(preamble.headerStart + preamble.headerLength);
    header = parseNpyHeader(all.subarray(0, readFullySync(fd, all, 0)), file);
  } catch (error) {
    if (isHotpathError(error) && error.code === 'FORMAT') {
      return fail({ code: 'FORMAT', kernel: where, problem: `'${path}' has no valid .npy header at byte offset 0 (${error.problem})`, expected: error.expected ?? 'a .npy header', received: error.received ?? 'other bytes', hint: 'the file is corrupt or not a .npy file; write it again' });
    }
    throw ioError(error, 'read', file);
  }
  return { header, plan: planRows(header, file), size };
}

/**
 * Rows `start .. start + count - 1` as a row-major tensor [count, ...rest] of the file's dtype.
 * @example const rows = readShardRows(hp, 'db.npy', 4096, 4096, 'batch knn');
 * @throws FORMAT (bad header; the file ends before this shard's last byte, naming the offsets),
 *   ARGUMENT (rows outside the header's shape), LAYOUT, SHAPE, IO
 */
export function readShardRows(hp: RuntimeCore, path: string, start: number, count: number, where: string): Tensor {
  const file: FileOptions = { source: path, where };
  const fd = openForRead(path, file);
  try {
    const { header, plan, size } = headerOf(fd, path, where);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > plan.rows) {
      fail({ code: 'ARGUMENT', kernel: where, problem: `rows out of range for '${path}'`, expected: `start >= 0, count >= 0, start + count <= ${plan.rows}`, received: `start ${start}, count ${count}` });
    }
    const from = header.dataOffset + start * plan.rowBytes;
    const to = from + count * plan.rowBytes;
    if (to > size) {
      fail({
        code: 'FORMAT',
        kernel: where,
        problem: `'${path}' ends at byte offset ${size}, inside rows ${start}..${start + count - 1} (bytes ${from}..${to - 1}) of ${header.descr} [${header.shape.join(', ')}]`,
        expected: `${to} bytes or more`,
        received: `${size} bytes`,
        hint: 'the file was cut short (an interrupted write or copy?); write it again',
      });
    }
    return readTensorSync(hp, fd, header, [count, ...plan.inner], 'row', from, file);
  } catch (error) {
    throw ioError(error, 'read', file);
  } finally {
    closeSync(fd);
  }
}
