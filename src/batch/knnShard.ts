/**
 * The worker's half of a knn job: the k nearest rows of one database shard for every query
 * row. Distances are squared Euclidean in float64 (float32 inputs are widened exactly) on the
 * wasm backend, whose float64 distances are the sums of the same terms in the reference's
 * order (src/backends/wasm/pairwiseDistancesF64.ts): a distance does not depend on the shard,
 * the thread count or the machine, so merged results equal a brute-force float64 loop bit for
 * bit. (The native backend's GEMM form would make them depend on the shard.) The k smallest
 * per row are picked here in one pass (`nearest`): the topK kernel sorts whole rows, about 15x
 * slower for k = 10 of 50 000 (1.1 s against 0.07 s of distances for 167 query rows, wasm).
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
        // The fresh row-major output, read in place.
        const all = (dist!.data(WHERE) as Float64Array).subarray(dist!.offset, dist!.offset + rows * task.count);
        for (let r = 0; r < rows; r++) {
          nearest(all.subarray(r * task.count, (r + 1) * task.count), k, task.start, indices, distances, (q0 + r) * k);
        }
      });
    }
    return { rows: nq, k, indices: packF64(indices), distances: packF64(distances) };
  });
}

/** Whether distance a ranks after b: larger, or NaN against a number (NaN last). */
function after(a: number, b: number): boolean {
  return a > b || (Number.isNaN(a) && !Number.isNaN(b));
}

/**
 * The k smallest of `row` (one query row's distances to the shard's rows), smallest first, the
 * lower index first among equal ones (rows are offered in index order and an equal distance
 * never passes an earlier one), NaN last: written at `at` of indices (global: + start) and
 * distances. One pass keeping a sorted list of k; most rows fail the first comparison.
 */
function nearest(row: Float64Array, k: number, start: number, indices: Float64Array, distances: Float64Array, at: number): void {
  let filled = 0;
  for (let j = 0; j < row.length; j++) {
    const v = row[j]!;
    if (filled === k && !after(distances[at + k - 1]!, v)) {
      continue;
    }
    let e = filled === k ? k - 1 : filled++;
    while (e > 0 && after(distances[at + e - 1]!, v)) {
      distances[at + e] = distances[at + e - 1]!;
      indices[at + e] = indices[at + e - 1]!;
      e--;
    }
    distances[at + e] = v;
    indices[at + e] = j + start;
  }
}
