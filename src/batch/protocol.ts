/**
 * What travels through the queue: shard descriptions (file paths and row ranges, never the
 * data) to the workers, and small results back (per-shard top-k lists, per-chunk float64 sums),
 * packed as base64 of little-endian float64 so they survive BullMQ's JSON exactly.
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

/** One k-means op over rows [start, start + count) of a file, whole chunks (kmeansShard.ts). */
export interface KmeansShard {
  readonly kind: 'kmeans';
  readonly file: string;
  readonly start: number;
  readonly count: number;
  /**
   * 'stats': column sums per chunk; 'moments': sums and squares of the centred chunks (tol);
   * 'step': Lloyd sums, counts and a labels hash per chunk; 'far': the shard's `far` farthest
   * points from `centers` (empty clusters); 'final': labels with `labelCenters` (written to
   * `labelsOut`) and the inertia per chunk with `centers`.
   */
  readonly op: 'stats' | 'moments' | 'step' | 'far' | 'final';
  readonly k?: number;
  /** float64 values as packF64: the mean, centred centroids [k, d]. */
  readonly mean?: string;
  readonly centers?: string;
  readonly labelCenters?: string;
  readonly far?: number;
  /** int32 [n] .npy the coordinator created, and where its data starts (bytes). */
  readonly labelsOut?: string;
  readonly labelsOffset?: number;
}

export type ShardTask = KnnShard | FeaturesShard | KmeansShard;

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

