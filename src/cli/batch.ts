/**
 * `hotpath batch worker|coordinator|status`: sharded jobs over BullMQ on Redis. Workers on any
 * number of machines pull shards of the queue; a coordinator splits a job (knn, features,
 * kmeans) into shards, waits and merges; `status` shows the queue. The Redis URL comes from
 * `--redis` or the REDIS_URL environment variable.
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { fail } from '../errors.js';
import { batchFeatures } from '../batch/features.js';
import { batchKnn, writeNpy } from '../batch/knn.js';
import { batchKmeans } from '../batch/kmeans.js';
import { npyInfo } from '../io/npy.js';
import { readFileSync } from 'node:fs';
import { batchStatus } from '../batch/status.js';
import { startWorker } from '../batch/worker.js';
import { rateOption } from './audioInput.js';
import { snipEdgesOf } from './features.js';
import { numberOption } from './kmeans.js';
import { optional } from './options.js';

interface Common {
  readonly redis?: string;
  readonly queue?: string;
  readonly json?: boolean;
}

interface CoordinatorFlags extends Common {
  readonly attempts?: string;
  readonly redisTimeout?: string;
}

/** The Redis URL: --redis, else REDIS_URL. @throws ARGUMENT when neither is set */
function redisOf(opts: Common): string {
  const url = opts.redis ?? process.env.REDIS_URL;
  if (url === undefined || url === '') {
    fail({ code: 'ARGUMENT', kernel: 'batch', problem: 'no Redis to use', expected: '--redis redis://HOST:PORT or the REDIS_URL environment variable', received: 'neither' });
  }
  return url;
}

function connectionOf(opts: CoordinatorFlags): { redis: string; queue?: string; attempts?: number; redisTimeoutMs?: number } {
  const timeout = numberOption('--redis-timeout', opts.redisTimeout, false);
  return {
    redis: redisOf(opts),
    ...optional('queue', opts.queue),
    ...optional('attempts', numberOption('--attempts', opts.attempts, true)),
    ...optional('redisTimeoutMs', timeout === undefined ? undefined : timeout * 1000),
  };
}

/** A progress bar on a terminal (not with --json); a no-op otherwise. */
function progress(label: string, json: boolean | undefined): { update: (done: number, total: number) => void; stop: () => void } {
  if (json === true || process.stderr.isTTY !== true) {
    return { update: () => {}, stop: () => {} };
  }
  const bar = new SingleBar({ format: `${label} |{bar}| {value}/{total} shards`, hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

function print(json: boolean | undefined, summary: object, lines: string[]): void {
  process.stdout.write(json === true ? `${JSON.stringify(summary)}\n` : `${lines.join('\n')}\n`);
}

/** Adds `batch` and its subcommands to the program. */
export function addBatchCommands(program: Command, result: { code: number }): void {
  const batch = program.command('batch').description('sharded batch jobs on BullMQ + Redis: run `batch worker` on each machine, then `batch coordinator <job>` once');
  const common = (c: Command): Command => c.option('--redis <url>', 'Redis URL (default: $REDIS_URL)').option('--queue <name>', 'BullMQ queue name', 'hotpath').option('--json', 'machine-readable output');
  const coordinated = (c: Command): Command => common(c).option('--attempts <n>', 'tries per shard before it fails', '3').option('--redis-timeout <s>', 'stop when Redis does not answer this long (seconds)', '30');

  common(batch.command('worker'))
    .description('pull shards from the queue and run them in sandboxed child processes until SIGTERM / SIGINT')
    .option('--concurrency <n>', 'shards at once (one child process each)', '1')
    .option('--threads <n>', 'threads per child runtime', '1')
    .option('--lock-ms <ms>', "a shard's lock; a killed worker's shard is retried after about this long", '30000')
    .option('--stalled-ms <ms>', 'how often to look for shards of dead workers', '30000')
    .option('--name <name>', 'worker name shown by status')
    .option('--hold-ms <ms>', 'for fault tests: wait this long before each shard', '0')
    .action(async (opts: Common & { concurrency: string; threads: string; lockMs: string; stalledMs: string; name?: string; holdMs: string }) => {
      const worker = await startWorker({
        redis: redisOf(opts),
        ...optional('queue', opts.queue),
        concurrency: numberOption('--concurrency', opts.concurrency, true)!,
        threads: numberOption('--threads', opts.threads, true)!,
        lockDurationMs: numberOption('--lock-ms', opts.lockMs, true)!,
        stalledIntervalMs: numberOption('--stalled-ms', opts.stalledMs, true)!,
        holdMs: numberOption('--hold-ms', opts.holdMs, true)!,
        ...optional('name', opts.name),
      });
      print(opts.json, { worker: worker.name, queue: opts.queue, ready: true }, [`hotpath batch worker ${worker.name} ready on queue ${opts.queue ?? 'hotpath'}`]);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await worker.close();
      result.code = 0;
    });

  common(batch.command('status'))
    .description('jobs of the queue by state, and the workers connected to it')
    .action(async (opts: Common) => {
      const s = await batchStatus({ redis: redisOf(opts), ...optional('queue', opts.queue) });
      const counts = Object.entries(s.jobs).map(([state, n]) => `${state} ${n}`).join(', ');
      print(opts.json, s, [`queue ${s.queue} at ${s.redis}: ${counts}`, `workers (${s.workers.length}): ${s.workers.join(', ') || 'none'}`]);
    });

  const coordinator = batch.command('coordinator').description('split a job into shards, wait for the workers, merge the results');
  coordinated(coordinator.command('knn'))
    .description('k nearest database rows of each query row (squared Euclidean, float64; ties: lower index first)')
    .requiredOption('--query <file>', 'query points .npy [nq, d]')
    .requiredOption('--database <file>', 'database points .npy [n, d] (C order), split into row ranges')
    .requiredOption('--k <k>', 'neighbours per query row')
    .option('--shard-rows <n>', 'database rows per shard')
    .option('--indices-out <file>', 'write int64 [nq, k] indices as .npy')
    .option('--distances-out <file>', 'write float64 [nq, k] squared distances as .npy')
    .action(async (opts: CoordinatorFlags & { query: string; database: string; k: string; shardRows?: string; indicesOut?: string; distancesOut?: string }) => {
      const bar = progress('knn', opts.json);
      const r = await batchKnn({
        ...connectionOf(opts),
        query: opts.query,
        database: opts.database,
        k: numberOption('--k', opts.k, true)!,
        ...optional('shardRows', numberOption('--shard-rows', opts.shardRows, true)),
        ...optional('indicesOut', opts.indicesOut),
        ...optional('distancesOut', opts.distancesOut),
        onProgress: bar.update,
      }).finally(bar.stop);
      const summary = { job: 'knn', queryRows: r.rows, k: r.k, shards: r.shards, duplicatesIgnored: r.duplicates, ms: r.ms, ...optional('indicesOut', opts.indicesOut), ...optional('distancesOut', opts.distancesOut) };
      print(opts.json, summary, [`knn: ${r.rows} query rows, k ${r.k}, ${r.shards} shards in ${r.ms.toFixed(0)} ms`, ...(opts.indicesOut === undefined ? [] : [`  wrote ${opts.indicesOut}`]), ...(opts.distancesOut === undefined ? [] : [`  wrote ${opts.distancesOut}`])]);
    });
  coordinated(coordinator.command('features'))
    .description('speech features of many audio files, one .npy per file (as `hotpath features --out`)')
    .argument('<files...>', 'WAV files, or .npy samples with --rate')
    .requiredOption('--preset <name>', 'whisper-80, whisper-128 or kaldi-fbank')
    .requiredOption('--out-dir <dir>', 'folder for <name>.npy outputs')
    .option('--snip-edges <bool>', 'kaldi-fbank: true (default) or false')
    .option('--rate <hz>', 'sample rate of .npy inputs')
    .action(async (files: string[], opts: CoordinatorFlags & { preset: string; outDir: string; snipEdges?: string; rate?: string }) => {
      const bar = progress('features', opts.json);
      const snipEdges = snipEdgesOf(opts.preset, opts.snipEdges);
      const r = await batchFeatures({
        ...connectionOf(opts),
        files,
        preset: opts.preset,
        outDir: opts.outDir,
        ...optional('snipEdges', snipEdges),
        ...optional('rate', opts.rate === undefined ? undefined : rateOption('batch features', '--rate', opts.rate)),
        onProgress: bar.update,
      }).finally(bar.stop);
      print(opts.json, { job: 'features', preset: opts.preset, outputs: r.outputs, duplicatesIgnored: r.duplicates, ms: r.ms }, [`features ${opts.preset}: ${r.outputs.length} files in ${r.ms.toFixed(0)} ms`, ...r.outputs.map((o) => `  ${o.input} -> ${o.out} [${o.shape.join(', ')}]`)]);
    });
  coordinated(coordinator.command('kmeans'))
    .description("Lloyd's k-means over a .npy file, shards of whole chunks on the workers, reduced in chunk order: bit-identical to hotpath kmeans / hp.kmeans with the same init")
    .argument('<file>', 'points .npy [n, d] (float32 or float64, C order) on a path every worker reads')
    .requiredOption('--k <k>', 'number of clusters')
    .option('--init <how>', 'first (the first k rows), k-means++ or random (over a reservoir sample, as hotpath kmeans on a file), or CENTROIDS.npy [k, d]', 'first')
    .option('--seed <n>', 'seed of k-means++ / random', '0')
    .option('--sample-rows <n>', 'rows of the reservoir sample k-means++ / random draw from (default max(65536, k))')
    .option('--max-iter <n>', 'most Lloyd iterations', '300')
    .option('--tol <t>', "stop when the centroids' squared movement is at most t times the mean feature variance", '1e-4')
    .option('--shard-chunks <n>', 'chunks of rows per shard (a chunk is ~16 MB of float32; default 1)')
    .option('--shards <n>', 'instead of --shard-chunks: n shards of equal cost (rows, cutting chunks at block boundaries, same bits); one per worker balances them')
    .option('--labels-out <file>', 'int32 labels .npy, written by the workers (a path they all reach)')
    .option('--centroids-out <file>', 'write the centroids as .npy')
    .action(async (file: string, opts: CoordinatorFlags & { k: string; init: string; seed: string; sampleRows?: string; maxIter: string; tol: string; shardChunks?: string; shards?: string; labelsOut?: string; centroidsOut?: string }) => {
      const maxIter = numberOption('--max-iter', opts.maxIter, true)!;
      const bar = progress('k-means', opts.json);
      const r = await batchKmeans({
        ...connectionOf(opts),
        file,
        k: numberOption('--k', opts.k, true)!,
        init: opts.init === 'first' || opts.init === 'k-means++' || opts.init === 'random' ? opts.init : centroidsOf(opts.init),
        seed: numberOption('--seed', opts.seed, true)!,
        ...(opts.sampleRows === undefined ? {} : { sampleRows: numberOption('--sample-rows', opts.sampleRows, true)! }),
        maxIter,
        tol: numberOption('--tol', opts.tol, false)!,
        ...(opts.shardChunks === undefined ? {} : { shardChunks: numberOption('--shard-chunks', opts.shardChunks, true)! }),
        ...(opts.shards === undefined ? {} : { shards: numberOption('--shards', opts.shards, true)! }),
        ...optional('labelsOut', opts.labelsOut),
        onIteration: (info) => bar.update(info.iteration, maxIter),
      }).finally(bar.stop);
      if (opts.centroidsOut !== undefined) {
        const d = r.centroids.length / numberOption('--k', opts.k, true)!;
        writeNpy(opts.centroidsOut, r.centroids instanceof Float32Array ? 'float32' : 'float64', [r.centroids.length / d, d], r.centroids);
      }
      const summary = { job: 'kmeans', file, inertia: r.inertia, iterations: r.iterations, converged: r.converged, shards: r.shards, duplicatesIgnored: r.duplicates, redisLosses: r.redisLosses, ...optional('labelsOut', opts.labelsOut), ...optional('centroidsOut', opts.centroidsOut) };
      print(opts.json, summary, [`k-means of ${file}: inertia ${r.inertia}, ${r.iterations} iterations${r.converged ? ' (converged)' : ''}, ${r.shards} shards`, ...(opts.labelsOut === undefined ? [] : [`  wrote ${opts.labelsOut}`]), ...(opts.centroidsOut === undefined ? [] : [`  wrote ${opts.centroidsOut}`])]);
    });
}

/** Initial centroids from a .npy [k, d] as float64 values (C order; the header is checked). @throws FORMAT, ARGUMENT */
function centroidsOf(file: string): Float64Array {
  if (!file.endsWith('.npy')) {
    fail({ code: 'ARGUMENT', kernel: 'batch kmeans', problem: 'unknown --init', expected: 'first | k-means++ | random | CENTROIDS.npy', received: file });
  }
  const info = npyInfo(file);
  if (info.fortranOrder || (info.dtype !== 'float32' && info.dtype !== 'float64')) {
    fail({ code: 'FORMAT', kernel: 'batch kmeans', problem: `'${file}' is not a C-order float32/float64 array`, expected: "C order, '<f4' or '<f8'", received: `${info.descr}${info.fortranOrder ? ', Fortran order' : ''}` });
  }
  const bytes = readFileSync(file).subarray(info.dataOffset);
  const copy = new Uint8Array(bytes);
  return Float64Array.from(info.dtype === 'float32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer));
}
