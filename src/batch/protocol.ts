/**
 * What travels through the queue: shard descriptions (file paths and row ranges, never the
 * data) to the workers, and small results back (per-shard top-k lists as base64 of
 * little-endian float64, so they survive BullMQ's JSON exactly). k-means runs add one
 * long-lived agent job per shard and then talk over the run's own Redis keys (agentKeys.ts):
 * ops with their centroids, and per-chunk float64 sums back, as raw bytes (parts.ts).
 */
import { fail, isHotpathError, type ErrorCode } from '../errors.js';

/** Nearest neighbours of every query row among database rows [start, start + count). */
export interface KnnShard {
  readonly kind: 'knn';
  readonly query: string;
  readonly database: string;
  readonly start: number;
  readonly count: number;
  readonly k: number;
}

/** Speech features of one audio file into one .npy (what `hotpath features` writes). */
export interface FeaturesShard {
  readonly kind: 'features';
  readonly input: string;
  readonly out: string;
  readonly preset: string;
  readonly snipEdges?: boolean;
  readonly rate?: number;
}

/** The k-means ops a run's agents compute per shard (kmeansShard.ts), published on the run's stream. */
export interface KmeansOp {
  /** The op's sequence number in the run (0, 1, ...): parts are keyed by it. */
  readonly t: number;
  /**
   * 'stats': column sums per chunk; 'moments': sums and squares of the centred chunks (tol);
   * 'step': Lloyd sums, counts and a labels hash per chunk; 'far': the shard's `far` farthest
   * points from `centers` (empty clusters); 'final': labels with `labelCenters` (written to
   * `labelsOut`) and the inertia per chunk with `centers`; 'begin': the run exists (nothing to
   * compute); 'end': the run is over.
   */
  readonly op: 'begin' | 'stats' | 'moments' | 'step' | 'far' | 'final' | 'end';
  readonly k?: number;
  /** The mean, centred centroids [k, d] (float64). */
  readonly mean?: Float64Array;
  readonly centers?: Float64Array;
  readonly labelCenters?: Float64Array;
  readonly far?: number;
  /** int32 [n] .npy the coordinator created, and where its data starts (bytes). */
  readonly labelsOut?: string;
  readonly labelsOffset?: number;
  /** Tries of a shard that fails with an error before its part records the error, and the wait between, ms. */
  readonly attempts: number;
  readonly backoffMs: number;
}

/** One k-means op over rows [start, start + count) of a file, whole chunks (kmeansShard.ts). */
export type KmeansShard = Omit<KmeansOp, 't' | 'attempts' | 'backoffMs' | 'op'> & {
  readonly op: Exclude<KmeansOp['op'], 'begin' | 'end'>;
  readonly file: string;
  readonly start: number;
  readonly count: number;
};

/**
 * One long-lived agent of a k-means run (kmeansAgent.ts): it follows the run's ops until 'end',
 * computing its own shard (the job's `shard`) first and any shard nobody alive holds.
 */
export interface KmeansAgentJob {
  readonly kind: 'kmeansAgent';
  readonly file: string;
  /** Every shard's rows, in shard order. */
  readonly shards: readonly { readonly start: number; readonly count: number }[];
}

export type ShardTask = KnnShard | FeaturesShard | KmeansAgentJob;

/** The job data: the task plus where it belongs (run id, iteration, shard index). */
export type ShardJob = ShardTask & { readonly run: string; readonly iteration: number; readonly shard: number };

/** Float64 values as base64 (exact; JSON numbers would be too, but 3x larger and slower). */
export function packF64(values: ArrayLike<number>): string {
  const f = Float64Array.from(values);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
}

/** @throws FORMAT when the text is not whole float64 values */
export function unpackF64(text: string, where: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0) {
    fail({ code: 'FORMAT', kernel: where, problem: 'a shard result is not whole float64 values', expected: 'a multiple of 8 bytes', received: `${bytes.length} bytes` });
  }
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

const CODED = /^\[([A-Z]+)\] ([\s\S]*)$/;

/**
 * A worker's error as the message BullMQ stores (failedReason): `[CODE] message`, so the
 * coordinator can rethrow it with its code.
 */
export function encodeError(error: unknown): Error {
  if (isHotpathError(error)) {
    return new Error(`[${error.code}] ${error.message}`);
  }
  return new Error(`[INTERNAL] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

/** The code and message of a failedReason written by encodeError (INTERNAL when it is not one). */
export function decodeError(reason: string | undefined): { code: ErrorCode | 'INTERNAL'; message: string } {
  const m = CODED.exec(reason ?? '');
  if (m === null) {
    return { code: 'INTERNAL', message: reason ?? 'no reason recorded' };
  }
  return { code: m[1] as ErrorCode | 'INTERNAL', message: m[2]! };
}

