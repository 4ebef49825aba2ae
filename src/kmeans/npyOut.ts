/**
 * A 1-D .npy file written in order, a chunk at a time (labels, distances of an out-of-core fit),
 * so the whole array is never in memory. It is written under a temporary name next to the
 * target and renamed into place by `commit`, so a failed fit leaves no half-written output.
 */
import { closeSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { ioError, writeAllSync } from '../io/npyData.js';
import { encodeNpyHeader } from '../io/npyHeader.js';
import { LITTLE_ENDIAN } from '../io/npyHeader.js';
import { fail } from '../errors.js';

export class NpyOut {
  private readonly fd: number;
  private readonly temp: string;
  private written = 0;
  private open = true;

  /** `tag` tells apart the outputs of runs written at once (nInit). @throws IO when the path cannot be written */
  constructor(readonly path: string, dtype: 'int32' | 'float64', private readonly length: number, tag: number) {
    if (!LITTLE_ENDIAN) {
      fail({ code: 'BACKEND', kernel: 'kmeans', problem: 'streamed .npy output needs a little-endian machine', expected: 'little-endian', received: 'big-endian' });
    }
    this.temp = `${path}.${process.pid}-${tag}.partial`;
    try {
      this.fd = openSync(this.temp, 'w');
      writeAllSync(this.fd, encodeNpyHeader(dtype, [length], false));
    } catch (error) {
      throw ioError(error, 'write', { source: path, where: 'kmeans' });
    }
  }

  /** Appends the next values. */
  write(values: Int32Array | Float64Array): void {
    try {
      writeAllSync(this.fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    } catch (error) {
      this.abort();
      throw ioError(error, 'write', { source: this.path, where: 'kmeans' });
    }
    this.written += values.length;
  }

  /** Closes the file and moves it to its path; every value must have been written. */
  commit(): void {
    if (this.written !== this.length) {
      this.abort();
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `'${this.path}' was not filled`, expected: `${this.length} values`, received: `${this.written}` });
    }
    this.open = false;
    closeSync(this.fd);
    renameSync(this.temp, this.path);
  }

  /** Closes and deletes the temporary file (a failed or discarded run). */
  abort(): void {
    if (this.open) {
      this.open = false;
      closeSync(this.fd);
      unlinkSync(this.temp);
    }
  }
}
