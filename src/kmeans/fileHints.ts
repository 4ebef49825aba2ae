/**
 * Where the out-of-core fit keeps Hamerly's hints between passes: per row the label of the last
 * step (int32) and its bounds [upper, lower] (float64), 20 bytes a row. In the heap, chunk by
 * chunk as the in-memory fit keeps them (`HeapHints`, when 20 n bytes fit the `hintBytes`
 * budget: no I/O, the kernel's outputs are kept as they are), or in two temporary files read and
 * written chunk by chunk next to the data (`DiskHints`: memory bounded by one chunk's hints
 * whatever n is). Both hand the kernel the same bytes, so the fit's bits do not depend on which.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { fail } from '../errors.js';
import { tensorBytes } from '../io/npyData.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { chunkCount, chunkRange, chunkRows } from './chunks.js';
import type { HamerlyMode } from './fileHamerly.js';

/** Bytes of hints per row: an int32 label and two float64 bounds. */
export const HINT_ROW_BYTES = 20;

/** The hints of the chunk starting at a row: previous labels [rows] and bounds [rows, 2] (bounds undefined in 'stored' mode), valid in the caller's scope. */
export interface FileHints {
  load(start: number, rows: number, mode: HamerlyMode): [Tensor, Tensor | undefined];
  /** Takes the hamerly kernel's new labels and bounds for the chunk starting at `start` (keeps them or writes and releases them). */
  store(start: number, labels: Tensor, bounds: Tensor): void;
  release(): void;
}

/** Bounds [rows, 2] that claim nothing (upper Infinity, lower 0): every point is scored. */
function noClaims(rows: number): Float64Array {
  const values = new Float64Array(2 * rows);
  for (let i = 0; i < rows; i++) {
    values[2 * i] = Infinity;
  }
  return values;
}

/** The hints of every chunk as heap tensors (20 n bytes), as fit.ts's Hints. */
export class HeapHints implements FileHints {
  private readonly chunks: { labels: Tensor; bounds: Tensor }[] = [];

  constructor(private readonly rt: RuntimeCore, n: number, private readonly d: number) {
    try {
      for (let c = 0; c < chunkCount(n, d); c++) {
        const { start, end } = chunkRange(c, n, d);
        // Made in one scope so that a failed allocation leaves neither behind.
        const [labels, bounds] = rt.scope(() => [rt.zeros([end - start], 'int32'), rt.tensor(noClaims(end - start), [end - start, 2], { name: 'hamerly bounds' })]);
        this.chunks.push({ labels: labels!, bounds: bounds! });
      }
    } catch (error) {
      this.release();
      throw error;
    }
  }

  private chunk(start: number): { labels: Tensor; bounds: Tensor } {
    return this.chunks[start / chunkRows(this.d)]!;
  }

  load(start: number): [Tensor, Tensor] {
    const chunk = this.chunk(start);
    return [chunk.labels, chunk.bounds];
  }

  store(start: number, labels: Tensor, bounds: Tensor): void {
    const chunk = this.chunk(start);
    chunk.labels.release();
    chunk.bounds.release();
    chunk.labels = labels;
    chunk.bounds = bounds;
  }

  release(): void {
    for (const chunk of this.chunks) {
      chunk.labels.release();
      chunk.bounds.release();
    }
  }
}

/** Fixed-width rows of a temporary file. */
class RowFile {
  private readonly fd: number;

  /** `width`: bytes per row. */
  constructor(readonly path: string, private readonly width: number) {
    this.fd = openSync(path, 'w+');
  }

  /** Fills `target` from row `start` on. */
  read(start: number, target: Uint8Array): void {
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

  write(start: number, bytes: Uint8Array): void {
    const at = this.width * start;
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(this.fd, bytes, done, bytes.length - done, at + done);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The hints in temporary files `${base}.labels` and `${base}.bounds`, read into one chunk's heap tensors. */
export class DiskHints implements FileHints {
  private readonly labels: RowFile;
  private readonly bounds: RowFile;
  private readonly labelsIn: Tensor;
  private readonly boundsIn: Tensor;

  constructor(rt: RuntimeCore, base: string, n: number, d: number) {
    const rows = Math.min(n, chunkRows(d));
    // First pass: labels 0, bounds that claim nothing (the kernel never writes its inputs).
    [this.labelsIn, this.boundsIn] = rt.scope(() => [rt.zeros([rows], 'int32'), rt.tensor(noClaims(rows), [rows, 2], { name: 'hamerly bounds' })]) as [Tensor, Tensor];
    try {
      this.labels = new RowFile(`${base}.labels`, 4);
      try {
        this.bounds = new RowFile(`${base}.bounds`, 16);
      } catch (error) {
        this.labels.close();
        throw error;
      }
    } catch (error) {
      this.labelsIn.release();
      this.boundsIn.release();
      throw error;
    }
  }

  load(start: number, rows: number, mode: HamerlyMode): [Tensor, Tensor | undefined] {
    const labels = this.labelsIn.slice([0, rows]);
    const bounds = mode === 'stored' ? undefined : this.boundsIn.slice([0, rows]);
    if (mode !== 'first' && mode !== 'fresh') {
      this.labels.read(start, tensorBytes(labels, 'kmeans'));
      if (bounds !== undefined) {
        this.bounds.read(start, tensorBytes(bounds, 'kmeans'));
      }
    }
    return [labels, bounds];
  }

  store(start: number, labels: Tensor, bounds: Tensor): void {
    try {
      this.labels.write(start, tensorBytes(labels, 'kmeans'));
      this.bounds.write(start, tensorBytes(bounds, 'kmeans'));
    } finally {
      labels.release();
      bounds.release();
    }
  }

  release(): void {
    this.labels.close();
    this.bounds.close();
    this.labelsIn.release();
    this.boundsIn.release();
  }
}

/** Hints in the heap when 20 n bytes fit `budget`, else on disk under `base`. */
export function hintsFor(rt: RuntimeCore, n: number, d: number, budget: number, base: string): FileHints {
  return HINT_ROW_BYTES * n <= budget ? new HeapHints(rt, n, d) : new DiskHints(rt, base, n, d);
}
