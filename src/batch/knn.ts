/**
 * `batchKnn`: the k nearest database rows of every query row, with the database split into
 * row ranges that workers process (knnShard.ts) and the per-shard lists merged here: by
 * distance, then by the lower index among equal distances, so the result does not depend on
 * how the database was split.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { encodeNpyHeader } from '../io/npyHeader.js';
import { Coordinator, shardsFailed, type CoordinatorOptions } from './coordinator.js';
import type { KnnPartial } from './knnShard.js';
import { unpackF64, type KnnShard } from './protocol.js';
import { shardFile } from './shardRows.js';

export interface BatchKnnOptions extends CoordinatorOptions {
  /** Query points .npy [nq, d] (float32 or float64), read whole by each worker. */
  readonly query: string;
  /** Database points .npy [n, d] (C order), read by row ranges. */
  readonly database: string;
  readonly k: number;
  /** Database rows per shard (default: n split into 4 * ceil(n / 65536) ... at most 65536 rows each). */
  readonly shardRows?: number;
  /** Where to write int64 [nq, k] indices and float64 [nq, k] squared distances (.npy). */
  readonly indicesOut?: string;
  readonly distancesOut?: string;
  /** Called as shards finish. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BatchKnnResult {
  readonly rows: number;
  readonly k: number;
  /** [rows * k], row-major: database row indices. */
  readonly indices: Float64Array;
  /** [rows * k]: squared Euclidean distances (float64). */
  readonly distances: Float64Array;
  readonly shards: number;
  readonly duplicates: number;
  readonly ms: number;
}

const WHERE = 'batch knn';

/**
 * Runs a knn job on the workers of the queue.
 * @example const r = await batchKnn({ redis: 'redis://127.0.0.1:6379', query: 'q.npy', database: 'db.npy', k: 10 });
 * @throws ARGUMENT (k, shardRows), FORMAT / SHAPE / LAYOUT (bad files; a failed shard after the
 *   others finished, naming it), IO (files, Redis not answering)
 */
export async function batchKnn(options: BatchKnnOptions): Promise<BatchKnnResult> {
  const db = shardFile(options.database, WHERE);
  const query = shardFile(options.query, WHERE);
  const n = db.plan.rows;
  const nq = query.plan.rows;
  const d = db.plan.inner[0];
  if (db.plan.inner.length !== 1 || query.plan.inner.length !== 1 || query.plan.inner[0] !== d) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: 'query and database must be matrices with the same number of features', expected: '[nq, d] and [n, d]', received: `query [${query.header.shape.join(', ')}], database [${db.header.shape.join(', ')}]` });
  }
  const k = options.k;
  if (!Number.isSafeInteger(k) || k < 1 || k > n) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid k', expected: `an integer in [1, ${n}] (the database rows)`, received: String(k) });
  }
  const per = options.shardRows ?? Math.min(65_536, Math.max(1, Math.ceil(n / 4)));
  if (!Number.isSafeInteger(per) || per < 1) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid shardRows', expected: 'a positive integer', received: String(per) });
  }
  const tasks: KnnShard[] = [];
  for (let start = 0; start < n; start += per) {
    tasks.push({ kind: 'knn', query: path.resolve(options.query), database: path.resolve(options.database), start, count: Math.min(per, n - start), k });
  }
  const coordinator = await Coordinator.open(options);
  let done = 0;
  try {
    const outcome = await coordinator.round(0, tasks, () => options.onProgress?.(++done, tasks.length));
    if (outcome.failed.length > 0) {
      throw shardsFailed(WHERE, outcome.failed, (s) => `rows ${tasks[s]!.start}..${tasks[s]!.start + tasks[s]!.count - 1} of '${options.database}'`, tasks.length);
    }
    const { indices, distances } = merge(outcome.results as KnnPartial[], nq, k);
    if (options.indicesOut !== undefined) {
      writeNpy(options.indicesOut, 'int64', [nq, k], BigInt64Array.from(indices, (v) => BigInt(v)));
    }
    if (options.distancesOut !== undefined) {
      writeNpy(options.distancesOut, 'float64', [nq, k], distances);
    }
    return { rows: nq, k, indices, distances, shards: tasks.length, duplicates: outcome.duplicates, ms: outcome.ms };
  } finally {
    await coordinator.close();
  }
}

/** Per query row, the k best of all shards' lists: smaller distance first, then smaller index (NaN last). */
export function merge(partials: readonly KnnPartial[], rows: number, k: number): { indices: Float64Array; distances: Float64Array } {
  const lists = partials.map((p) => {
    if (p.rows !== rows) {
      fail({ code: 'FORMAT', kernel: WHERE, problem: 'a shard result has another number of query rows', expected: String(rows), received: String(p.rows) });
    }
    return { k: p.k, indices: unpackF64(p.indices, WHERE), distances: unpackF64(p.distances, WHERE) };
  });
  const indices = new Float64Array(rows * k);
  const distances = new Float64Array(rows * k);
  const candidates: { i: number; d: number }[] = [];
  for (let q = 0; q < rows; q++) {
    candidates.length = 0;
    for (const list of lists) {
      for (let e = 0; e < list.k; e++) {
        candidates.push({ i: list.indices[q * list.k + e]!, d: list.distances[q * list.k + e]! });
      }
    }
    candidates.sort(closer);
    for (let e = 0; e < k; e++) {
      indices[q * k + e] = candidates[e]!.i;
      distances[q * k + e] = candidates[e]!.d;
    }
  }
  return { indices, distances };
}

function closer(a: { i: number; d: number }, b: { i: number; d: number }): number {
  const an = Number.isNaN(a.d);
  const bn = Number.isNaN(b.d);
  if (an !== bn) {
    return an ? 1 : -1;
  }
  if (!an && a.d !== b.d) {
    return a.d - b.d;
  }
  return a.i - b.i;
}

/** A C-order .npy of `values`. */
export function writeNpy(path: string, dtype: 'int64' | 'float64' | 'int32' | 'float32', shape: readonly number[], values: BigInt64Array | Float64Array | Int32Array | Float32Array): void {
  const header = encodeNpyHeader(dtype, shape, false);
  const out = new Uint8Array(header.length + values.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), header.length);
  try {
    writeFileSync(path, out);
  } catch (error) {
    fail({ code: 'IO', kernel: WHERE, problem: `cannot write '${path}'`, expected: 'a writable path', received: error instanceof Error ? error.message : String(error) });
  }
}
