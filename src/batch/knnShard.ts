/**
 * The worker's half of a knn job: the k nearest rows of one database shard for every query
 * row. Distances are squared Euclidean in float64 (float32 inputs are widened exactly) on the
 * wasm backend, whose float64 distances are the sums of the same terms in the reference's
 * order (src/backends/wasm/pairwiseDistancesF64.ts): a distance does not depend on the shard,
 * the thread count or the machine, so merged results equal a brute-force float64 loop bit for
 * bit. (The native backend's GEMM form would make them depend on the shard.)
 */
import { fail } from '../errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import { packF64, type KnnShard } from './protocol.js';
import { readShardRows } from './shardRows.js';

/** Distances held at once per query block, in float64 elements (64 MB). */
const BLOCK_ELEMENTS = 1 << 23;

export interface KnnPartial {
  /** Query rows. */
  readonly rows: number;
  /** Neighbours per row from this shard: min(k, shard rows). */
  readonly k: number;
  /** Database row indices (global), [rows, k] row-major, as packF64. */
  readonly indices: string;
  /** Squared distances, [rows, k], as packF64. */
  readonly distances: string;
}

const WHERE = 'batch knn';

function asFloat64(hp: Runtime, t: Tensor, what: string): Tensor {
  if (t.rank !== 2 || (t.dtype !== 'float32' && t.dtype !== 'float64')) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: `${what} is not a matrix of float points`, expected: 'float32 or float64 [rows, features]', received: t.describe() });
  }
  return t.dtype === 'float64' ? t : hp.tensor(Float64Array.from(t.toArray() as Float32Array), t.shape);
}

/** Computes one shard's top-k lists. @throws FORMAT, SHAPE, ARGUMENT, IO */
export function knnShard(hp: Runtime, task: KnnShard): KnnPartial {
  return hp.scope(() => {
    const query = asFloat64(hp, hp.load(task.query, { name: 'knn query' }), `query '${task.query}'`);
    const shard = asFloat64(hp, readShardRows(hp, task.database, task.start, task.count, WHERE), `database '${task.database}'`);
    const [nq, d] = query.shape as [number, number];
    if (shard.shape[1] !== d) {
      fail({ code: 'SHAPE', kernel: WHERE, problem: 'query and database have different numbers of features', expected: `database rows of ${d} features, as the query`, received: `query ${query.describe()}, database shard ${shard.describe()}` });
    }
    const k = Math.min(task.k, task.count);
    const indices = new Float64Array(nq * k);
    const distances = new Float64Array(nq * k);
    const backend = hp.backends().some((b) => b.name === 'wasm' && b.available) ? 'wasm' : 'ref';
    const values = query.toArray() as Float64Array;
    const block = Math.max(1, Math.floor(BLOCK_ELEMENTS / Math.max(task.count, 1)));
    for (let q0 = 0; q0 < nq; q0 += block) {
      const rows = Math.min(block, nq - q0);
      hp.scope(() => {
        const q = hp.tensor(values.subarray(q0 * d, (q0 + rows) * d), [rows, d]);
        const [dist] = hp.run('pairwiseDistances', [q, shard], { metric: 'sqeuclidean' }, { backend });
        // Ties keep the lower index first (ONNX TopK), which the merge relies on.
        const [best, at] = hp.run('topK', [dist!], { k, largest: false }, { backend });
        distances.set(best!.toArray() as Float64Array, q0 * k);
        const local = at!.toArray() as BigInt64Array;
        for (let e = 0; e < local.length; e++) {
          indices[q0 * k + e] = Number(local[e]!) + task.start;
        }
      });
    }
    return { rows: nq, k, indices: packF64(indices), distances: packF64(distances) };
  });
}
