/**
 * `batchKmeans`: Lloyd's k-means over a .npy file whose shards (whole chunks of rows, see
 * src/kmeans/chunks.ts, or shards of equal cost that may cut chunks at block boundaries:
 * kmeansPieces.ts) run on the queue's workers. Every sum over rows comes back as one partial
 * per chunk (or per piece of a cut chunk, folded as the kernel folds its blocks) and is added
 * here in global chunk order, exactly as the in-memory
 * `hp.kmeans` adds them, so labels, centroids, inertia and iterations are bit-identical to
 * `hp.kmeans(x, { init: 'first' | centroids, nInit: 1, ... })` in one process, and with init
 * 'k-means++' or 'random' to `hp.kmeans(path, { init, seed, sampleRows, nInit: 1, ... })`
 * (kmeansInit.ts: the same reservoir sample, drawn by the coordinator).
 *
 * The shards run on long-lived agents (kmeansAgent.ts, one BullMQ job per shard for the whole run)
 * that follow the rounds over Redis keys of the run (kmeansRounds.ts), not one job per round.
 * Rounds: column sums (the mean), moments of the centred data when tol > 0, one round per Lloyd
 * step (per-chunk sums, counts and a hash of the chunk's labels: strict convergence is "no hash
 * changed"), a 'far' round when a cluster is empty (scikit-learn's relocation), and a 'final'
 * round that writes the labels and gives the inertia per chunk.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { encodeNpyHeader } from '../io/npyHeader.js';
import { addInto, centreRows, chunkRows, meanOf, meanVarianceOf, negatedMean, type Rows } from '../kmeans/chunks.js';
import { roundFor, stopOf, updateCenters } from '../kmeans/fit.js';
import { emptyClusters, Farthest, moveToEmpty } from '../kmeans/relocate.js';
import { shardsFailed, type CoordinatorOptions } from './coordinator.js';
import { balancedShards, foldStep, type StepPiece } from './kmeansPieces.js';
import { DEFAULT_SAMPLE_ROWS } from '../kmeans/fileOptions.js';
import { sampledCentres } from './kmeansInit.js';
import { KmeansRounds } from './kmeansRounds.js';
import type { KmeansOp } from './protocol.js';
import { readShardRows, shardFile } from './shardRows.js';
import { createRuntime } from '../runtime/runtime.js';

export interface BatchKmeansOptions extends CoordinatorOptions {
  /** Points .npy [n, d], float32 or float64, C order, on a path every worker can read. */
  readonly file: string;
  readonly k: number;
  /**
   * 'first' (the first k rows; default), 'k-means++' or 'random' over a reservoir sample of
   * `sampleRows` rows (as hp.kmeans on a file, one run), or initial centroids [k, d] (row-major values).
   */
  readonly init?: 'first' | 'k-means++' | 'random' | Float64Array | Float32Array;
  /** Seed of the sampled inits (default 0, as hp.kmeans). */
  readonly seed?: number;
  /** Rows of the sampled inits' reservoir sample (default max(65536, k), as hp.kmeans on a file). */
  readonly sampleRows?: number;
  readonly maxIter?: number;
  /** As hp.kmeans: relative to the mean feature variance (default 1e-4; 0: only strict convergence). */
  readonly tol?: number;
  /** Chunks per shard (default 1; a chunk is chunkRows(d) rows, ~16 MB of float32). */
  readonly shardChunks?: number;
  /**
   * Instead of shardChunks: this many shards of equal cost (balancedShards: rows, to a block of
   * LLOYD_BLOCK rows), which may cut chunks (kmeansPieces.ts; same bits): one per worker balances
   * the workers.
   */
  readonly shards?: number;
  /** int32 [n] labels .npy written by the workers (a path they all reach). */
  readonly labelsOut?: string;
  /** Per round of the run ('stats', 'moments', 'step', 'far', 'final'): its wall time and each shard's compute, ms. */
  readonly onRound?: (info: BatchRoundInfo) => void;
  /** Per Lloyd step: iteration (1-based), shift, whether any label changed, and the round's wall time and slowest shard's compute (ms). */
  readonly onIteration?: (info: BatchIterationInfo) => void;
}

export interface BatchIterationInfo {
  readonly iteration: number;
  readonly shift: number;
  readonly changed: boolean;
  /** Round wall time (add jobs .. last result), ms. */
  readonly ms: number;
  /** The slowest shard's own compute time, ms (measured in the worker), summed over the iteration's rounds. */
  readonly slowestShardMs: number;
  /** Each shard's compute time, ms, in shard order, summed over the iteration's rounds. */
  readonly shardMs: readonly number[];
  /** Empty clusters relocated (each relocation costs one more round over the data). */
  readonly relocated: number;
}

export interface BatchRoundInfo {
  readonly op: string;
  /** From publishing the op to the last shard's part, ms. */
  readonly ms: number;
  /** Each shard's compute as its worker measured it, ms, in shard order. */
  readonly shardMs: readonly number[];
}

export interface BatchKmeansResult {
  /** [k * d] row-major, the data's dtype. */
  readonly centroids: Float32Array | Float64Array;
  /** As hp.kmeans: sum of squared distances to the final centroids (float64). */
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly shards: number;
  readonly duplicates: number;
  /** Times Redis lost the run's state mid-round (restarted without its data) and the round was published again. */
  readonly redisLosses: number;
}

const WHERE = 'batch kmeans';

interface Partials {
  readonly parts: unknown[];
  readonly ms: number[];
}

/**
 * Runs a k-means job on the workers of the queue.
 * @example const r = await batchKmeans({ redis, file: 'x.npy', k: 64, maxIter: 20, tol: 0, labelsOut: 'labels.npy' });
 * @throws ARGUMENT (k, init, options; NaN or Infinity in the data), SHAPE, FORMAT (a failed shard, named), IO
 */
export async function batchKmeans(options: BatchKmeansOptions): Promise<BatchKmeansResult> {
  const file = path.resolve(options.file);
  const { header, plan } = shardFile(file, WHERE);
  const dtype = header.dtype;
  if (plan.inner.length !== 1 || (dtype !== 'float32' && dtype !== 'float64')) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: `'${file}' is not a matrix of float points`, expected: 'float32 or float64 [n, d]', received: `${header.descr} [${header.shape.join(', ')}]` });
  }
  const n = plan.rows;
  const d = plan.inner[0]!;
  const k = options.k;
  const maxIter = options.maxIter ?? 300;
  const tol = options.tol ?? 1e-4;
  const per = options.shardChunks ?? 1;
  const count = options.shards;
  if (count !== undefined && (!Number.isSafeInteger(count) || count < 1 || options.shardChunks !== undefined)) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid shards', expected: 'an integer >= 1, and no shardChunks with it', received: `shards ${count}, shardChunks ${options.shardChunks}` });
  }
  if (!Number.isSafeInteger(k) || k < 1 || k > n) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid k', expected: `an integer in [1, ${n}] (the points)`, received: String(k) });
  }
  if (!Number.isSafeInteger(maxIter) || maxIter < 1 || !(tol >= 0) || !Number.isSafeInteger(per) || per < 1) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid maxIter, tol or shardChunks', expected: 'maxIter and shardChunks integers >= 1, tol >= 0', received: `maxIter ${maxIter}, tol ${tol}, shardChunks ${per}` });
  }
  const init = options.init ?? 'first';
  if (typeof init === 'string' ? !['first', 'k-means++', 'random'].includes(init) : typeof init !== 'object' || init.length !== k * d) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid init', expected: `'first', 'k-means++', 'random' or ${k * d} centroid values ([k, d] row-major)`, received: typeof init === 'object' ? `${init.length} values` : String(init) });
  }
  const seed = options.seed ?? 0;
  const sampleRows = options.sampleRows ?? Math.max(DEFAULT_SAMPLE_ROWS, k);
  if (!Number.isSafeInteger(seed) || seed < 0 || !Number.isSafeInteger(sampleRows) || sampleRows < k) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid seed or sampleRows', expected: `seed an integer >= 0, sampleRows an integer >= k = ${k}`, received: `seed ${seed}, sampleRows ${sampleRows}` });
  }
  const shards = count === undefined ? chunkShards(n, per * chunkRows(d)) : balancedShards(n, count, d);
  const round = roundFor(dtype);
  const rounds = await KmeansRounds.open(options, file, shards);
  /** One round of `op` over every shard; the per-chunk partials in global chunk order. */
  const run = async (op: Omit<KmeansOp, 't' | 'attempts' | 'backoffMs'>, key: string): Promise<Partials> => {
    const outcome = await rounds.round(op);
    if (outcome.failed.length > 0) {
      throw shardsFailed(WHERE, outcome.failed, (s) => `rows ${shards[s]!.start}..${shards[s]!.start + shards[s]!.count - 1} of '${file}'`, shards.length);
    }
    const results = outcome.results as ({ ms: number } & Record<string, unknown[]>)[];
    const ms = results.map((r) => r.ms);
    options.onRound?.({ op: op.op, ms: outcome.ms, shardMs: ms });
    return { parts: results.flatMap((r) => r[key]!), ms };
  };
  try {
    // The mean: column sums per chunk, added in chunk order.
    const sums = new Float64Array(d);
    for (const part of (await run({ op: 'stats' }, 'sums')).parts) {
      addInto(sums, part as Float64Array);
    }
    const mean = meanOf(sums, n);
    let tolScaled = 0;
    if (tol !== 0) {
      const total = { sums: new Float64Array(d), squares: new Float64Array(d) };
      for (const part of (await run({ op: 'moments', mean }, 'parts')).parts as { sums: Float64Array; squares: Float64Array }[]) {
        addInto(total.sums, part.sums);
        addInto(total.squares, part.squares);
      }
      tolScaled = tol * meanVarianceOf(total, n, d);
    }
    const start = init === 'k-means++' || init === 'random' ? await sampledCentres(file, mean, { init, k, seed, sampleRows }) : await initial(init, file, k, d, dtype, mean);
    let centers: Float64Array = start.map(round);
    let hashes: string[] | undefined;
    let strict = false;
    let converged = false;
    let iterations = 0;
    let labelCenters: Float64Array = centers;
    for (let it = 0; it < maxIter; it++) {
      const started = performance.now();
      const step = await run({ op: 'step', mean, centers, k }, 'parts');
      const parts = step.parts as StepPiece[];
      const total = foldStep(parts, k, d);
      if (it === 0 && !total.sums.every(Number.isFinite)) {
        fail({ code: 'ARGUMENT', kernel: WHERE, problem: `'${file}' holds NaN or Infinity (or values that overflow when centred)`, expected: 'finite values', received: 'non-finite centroid sums after the first step', hint: 'clean the data first; hp.kmeans on the loaded array names the row' });
      }
      const now = parts.map((p) => p.hash);
      const changed = hashes === undefined || now.some((h, c) => h !== hashes![c]);
      hashes = now;
      const empty = emptyClusters(total.counts);
      let shardMs = step.ms;
      if (empty.length > 0) {
        const far = await run({ op: 'far', mean, centers, k, far: empty.length }, 'picks');
        shardMs = shardMs.map((ms, s) => ms + far.ms[s]!);
        const top = new Farthest(empty.length);
        for (const p of far.parts as { index: number; label: number; row: Float64Array; value: number }[]) {
          top.offer(p.value, p.index, () => p.row, p.label, 1);
        }
        moveToEmpty(total.sums, total.counts, empty, top.chosen(), d);
      }
      const { next, shift } = updateCenters(total.sums, total.counts, centers, k, d, round);
      labelCenters = centers;
      centers = next;
      iterations = it + 1;
      options.onIteration?.({ iteration: iterations, shift, changed, ms: performance.now() - started, slowestShardMs: Math.max(...shardMs), shardMs, relocated: empty.length });
      // stopOf counts changed labels; 0 or 1 says the same here (per-chunk label hashes).
      const stop = stopOf(changed ? 1 : 0, shift, tolScaled);
      strict = stop === 'strict';
      converged = stop !== undefined;
      if (converged) {
        break;
      }
    }
    // Labels: of the last step when it changed nothing, else assigned to the final centres.
    const labelsOffset = options.labelsOut === undefined ? undefined : createLabels(options.labelsOut, n);
    const final = await run({ op: 'final', mean, centers, labelCenters: strict ? labelCenters : centers, k, ...(options.labelsOut === undefined ? {} : { labelsOut: path.resolve(options.labelsOut), labelsOffset }) }, 'inertia');
    let inertia = 0;
    for (const part of final.parts as number[]) {
      inertia += part;
    }
    const values = centers.map((v, e) => round(v + mean[e % d]!));
    const duplicates = await rounds.duplicates();
    return { centroids: dtype === 'float32' ? Float32Array.from(values) : values, inertia, iterations, converged, shards: shards.length, duplicates, redisLosses: rounds.redisLosses };
  } finally {
    await rounds.close();
  }
}

/** Shards of `rows` rows each (whole chunks), the last one shorter. */
function chunkShards(n: number, rows: number): { start: number; count: number }[] {
  const out: { start: number; count: number }[] = [];
  for (let start = 0; start < n; start += rows) {
    out.push({ start, count: Math.min(rows, n - start) });
  }
  return out;
}

/** Initial centres in centred coordinates (float64), as hp.kmeans makes them. */
async function initial(init: 'first' | Float64Array | Float32Array, file: string, k: number, d: number, dtype: 'float32' | 'float64', mean: Float64Array): Promise<Float64Array> {
  if (init !== 'first') {
    return Float64Array.from(init, (v, e) => v - mean[e % d]!);
  }
  // The first k rows, centred in the data's dtype as the in-memory fit centres them.
  const hp = await createRuntime({ backends: ['ref'] });
  try {
    const rows = readShardRows(hp, file, 0, k, WHERE);
    const values = rows.toArray() as Rows;
    centreRows(values, k, negatedMean(mean, dtype));
    return Float64Array.from(values);
  } finally {
    await hp.close();
  }
}

/** Creates the int32 [n] labels .npy (zeros) the workers write into; returns where its data starts. */
function createLabels(file: string, n: number): number {
  const header = encodeNpyHeader('int32', [n], false);
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (error) {
    return fail({ code: 'IO', kernel: WHERE, problem: `cannot write '${file}'`, expected: 'a writable path', received: error instanceof Error ? error.message : String(error) });
  }
  try {
    writeSync(fd, header);
    ftruncateSync(fd, header.length + 4 * n);
  } finally {
    closeSync(fd);
  }
  return header.length;
}
