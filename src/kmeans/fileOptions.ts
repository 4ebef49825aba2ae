/**
 * Options of the out-of-core fit (kmeans on a file path), their validation, and the I/O report
 * each iteration carries: bytes read, read and compute throughput, and the I/O-bound verdict.
 */
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import { settingsFor, type IterationInfo, type KMeansOptions, type Settings } from './options.js';
import type { PassIo, PointsFile } from './pointsFile.js';
import type { MiniBatchOptions, MiniBatchSettings } from './miniBatch.js';

/**
 * Default block (bytes; openPoints rounds it down to whole chunks, at least one: a chunk is 2^22
 * values at d <= 2048, chunks.ts, so 16 MiB is one chunk of float32 and rounds up to one of
 * float64). Each pass waits for its first block's read, and only the blocks after it are read
 * while one is computed, so a pass needs several blocks:
 * on 1e6 x 32 float32 (128 MB, page cache, k 64, 10 iterations, 12 passes) the fit took 954 ms
 * with 256 MiB blocks (one per pass; 28% of it waiting on reads), 840 with 32 MiB, 789 with 16
 * and 783 with 4 (7%; 2026-11-29, bench/kmeansFile.ts's file). Reads of 16 MiB are large enough
 * for a disk: a 3.2 GB file read cold (caches dropped) in sequential preads took 3.5-4.1 s in
 * 16 MiB pieces and 3.7-5.8 s in 256 MiB pieces (780-930 against 550-870 MB/s).
 */
const DEFAULT_BLOCK_BYTES = 16 * 2 ** 20;
/** Default init sample (rows). */
export const DEFAULT_SAMPLE_ROWS = 65536;

/** How one iteration (or the whole fit) used the file. */
export interface IoReport {
  /** Bytes read from the file. */
  readonly bytes: number;
  /**
   * Seconds from each read's start until its completion was seen. A read that finishes while a
   * block is being computed is seen only when that computation returns (one JS thread), so when
   * reads overlap computation this is an upper bound on the disk's time and readMBps a lower
   * bound on its speed; waitSeconds and ioShare are exact.
   */
  readonly readSeconds: number;
  /** Seconds the computation waited for a read to finish. */
  readonly waitSeconds: number;
  /** Seconds computing on blocks. */
  readonly computeSeconds: number;
  /** bytes / readSeconds, in MB/s (10^6 bytes): a lower bound on the read speed when reads overlap computation. */
  readonly readMBps: number;
  /** bytes / computeSeconds, in MB/s: how fast the kernels consume the data. */
  readonly computeMBps: number;
  /** waitSeconds / (waitSeconds + computeSeconds). */
  readonly ioShare: number;
  /** True when waiting for reads took more time than computing: faster kernels would not help. */
  readonly ioBound: boolean;
}

export interface FileIterationInfo extends IterationInfo {
  readonly io: IoReport;
}

export interface FileKMeansOptions extends Omit<KMeansOptions, 'onIteration' | 'sampleWeight' | 'distance'> {
  /** Bytes per block read (rounded down to whole chunks of chunkRows(d) rows, at least one). Default: 16 MiB (one chunk of float32), at most a quarter of the heap's free room. Two blocks are held. */
  readonly blockBytes?: number;
  /**
   * Heap bytes Hamerly's hints may take (20 bytes a row: the last label, int32, and two float64
   * bounds): within it they stay in the heap between iterations, beyond it they go to temporary
   * files, read and written chunk by chunk (same bits either way; 0 always uses the files).
   * Default: a quarter of the heap's free room once the blocks are allocated.
   */
  readonly hintBytes?: number;
  /** Rows of the reservoir sample that 'k-means++' and 'random' choose from. Default 65536 (at least k). */
  readonly sampleRows?: number;
  /** Path of an int32 [n] .npy file to receive the labels (streamed, never held whole). */
  readonly labelsOut?: string;
  /** Path of a float64 [n] .npy file to receive each point's Euclidean distance to its centroid. */
  readonly distancesOut?: string;
  /** Mini-batch k-means (scikit-learn's MiniBatchKMeans update, miniBatch.ts) instead of exact Lloyd: maxIter counts epochs. */
  readonly miniBatch?: MiniBatchOptions;
  /** Called after every iteration (each mini-batch step: `changed` is then the batch size), with that iteration's I/O report. Its inertia() throws ARGUMENT: the file fit does not compute it per iteration. */
  readonly onIteration?: (info: FileIterationInfo) => void;
}

export interface FileSettings extends Omit<Settings, 'onIteration'> {
  readonly sampleRows: number;
  /** undefined: the default, from the heap's room once the blocks are allocated. */
  readonly hintBytes: number | undefined;
  readonly labelsOut: string | undefined;
  readonly distancesOut: string | undefined;
  readonly onIteration: ((info: FileIterationInfo) => void) | undefined;
  readonly miniBatch: MiniBatchSettings | undefined;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    return fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `invalid ${name}`, expected: 'a positive integer', received: String(value) });
  }
  return value;
}

function miniBatchOf(value: MiniBatchOptions | undefined): MiniBatchSettings | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value === null || typeof value !== 'object') {
    return fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'invalid miniBatch', expected: '{ batchSize?, maxNoImprovement? }', received: String(value) });
  }
  const patience = value.maxNoImprovement ?? 10;
  if (!Number.isSafeInteger(patience) || patience < 0) {
    fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'invalid miniBatch.maxNoImprovement', expected: 'an integer >= 0', received: String(patience) });
  }
  return { batchSize: positive('miniBatch.batchSize', value.batchSize ?? 1024), maxNoImprovement: patience };
}

function pathOption(name: string, value: unknown): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `invalid ${name}`, expected: 'a file path', received: String(value) });
  }
  return value;
}

export const fileSettings = {
  /** The block size asked for, or the default from the heap's free room. @throws ARGUMENT */
  blockBytes(rt: RuntimeCore, options: FileKMeansOptions): number {
    if (options === null || typeof options !== 'object') {
      return fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'missing options', expected: '{ k, ... }', received: String(options) });
    }
    return options.blockBytes === undefined ? Math.min(DEFAULT_BLOCK_BYTES, Math.floor(rt.heapRoomBytes() / 4)) : positive('blockBytes', options.blockBytes);
  },

  /** Validates the options against the file's shape. @throws ARGUMENT, SHAPE, DTYPE */
  of(file: PointsFile, options: FileKMeansOptions): FileSettings {
    const o = options as KMeansOptions;
    if (o.sampleWeight !== undefined || o.distance !== undefined) {
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `${o.sampleWeight !== undefined ? 'sampleWeight' : 'distance'} is not supported for a file`, expected: 'the options of the Euclidean fit without weights', received: 'a file path with that option', hint: 'load the data with hp.load() to use it' });
    }
    const { onIteration, ...rest } = options;
    const s = settingsFor({ n: file.n, d: file.d, dtype: file.dtype }, rest);
    if (onIteration !== undefined && typeof onIteration !== 'function') {
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'onIteration is not a function', expected: 'a function', received: typeof onIteration });
    }
    const sampleRows = options.sampleRows === undefined ? Math.max(DEFAULT_SAMPLE_ROWS, s.k) : positive('sampleRows', options.sampleRows);
    if (sampleRows < s.k) {
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'sampleRows is smaller than k', expected: `sampleRows >= k = ${s.k}`, received: String(sampleRows) });
    }
    const hintBytes = options.hintBytes;
    if (hintBytes !== undefined && (typeof hintBytes !== 'number' || !Number.isSafeInteger(hintBytes) || hintBytes < 0)) {
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'invalid hintBytes', expected: 'an integer number of bytes >= 0', received: String(hintBytes), hint: 'leave it out for the default (a quarter of the free heap)' });
    }
    return { ...s, sampleRows, hintBytes, labelsOut: pathOption('labelsOut', options.labelsOut), distancesOut: pathOption('distancesOut', options.distancesOut), onIteration, miniBatch: miniBatchOf(options.miniBatch) };
  },

  /** The file fit's IterationInfo.inertia. */
  noInertia(): number {
    return fail({ code: 'ARGUMENT', kernel: 'kmeans.onIteration inertia()', problem: 'the out-of-core fit does not compute the inertia per iteration (it would cost a pass over the file)', expected: 'the final inertia in the result', received: 'a call to inertia()' });
  },
};

/** Passes added together. */
export function totalIo(passes: readonly PassIo[]): PassIo {
  return passes.reduce((a, p) => ({ bytes: a.bytes + p.bytes, readSeconds: a.readSeconds + p.readSeconds, waitSeconds: a.waitSeconds + p.waitSeconds, computeSeconds: a.computeSeconds + p.computeSeconds }), { bytes: 0, readSeconds: 0, waitSeconds: 0, computeSeconds: 0 });
}

export function ioReport(io: PassIo): IoReport {
  const share = io.waitSeconds + io.computeSeconds === 0 ? 0 : io.waitSeconds / (io.waitSeconds + io.computeSeconds);
  return {
    ...io,
    readMBps: io.readSeconds === 0 ? 0 : io.bytes / io.readSeconds / 1e6,
    computeMBps: io.computeSeconds === 0 ? 0 : io.bytes / io.computeSeconds / 1e6,
    ioShare: share,
    ioBound: share > 0.5,
  };
}
