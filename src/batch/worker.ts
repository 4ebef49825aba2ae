/**
 * A batch worker: pulls shard jobs from the queue and runs each in a sandboxed child process
 * (BullMQ's `new Worker(queue, processorFile)`; processor.ts), so a crashing shard cannot take
 * the worker down, and the child keeps its runtime (and k-means shard data) between jobs. Run
 * one per machine, or several; they share the queue with every other worker on the same Redis.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { fail } from '../errors.js';
import { leavingKey } from './agentKeys.js';
import { queueName, redisOptions, type BatchConnection } from './connection.js';

/** How long a closing worker's leaving mark lasts at most, s (it is deleted once closed). */
const LEAVING_TTL_S = 600;

export interface WorkerOptions extends BatchConnection {
  /** Shards run at once, each in its own child process (default 1). */
  readonly concurrency?: number;
  /** Threads of each child's runtime (default 1: one core per child). */
  readonly threads?: number;
  /**
   * How long a job's lock lasts, ms (default 30 000): a worker killed mid-shard gives its shard
   * back after about this long plus `stalledIntervalMs`. Renewed at half of it while alive.
   */
  readonly lockDurationMs?: number;
  /** How often this worker looks for shards whose worker died, ms (default 30 000). */
  readonly stalledIntervalMs?: number;
  /** Worker name stored on each job it takes (shown by `status`). */
  readonly name?: string;
  /** Bytes of k-means data each child keeps in memory between iterations (default 1 GiB). */
  readonly cacheBytes?: number;
  /** For fault tests: each shard waits this long before it runs, ms (default 0). */
  readonly holdMs?: number;
  /** Called with each error the worker reports (default: written to stderr). */
  readonly onError?: (error: Error) => void;
}

/** What a child process reads from HOTPATH_BATCH_CHILD (JSON). */
export interface ChildConfig {
  readonly threads: number;
  readonly holdMs: number;
  /** Bytes of centred k-means chunks a child keeps between iterations (default 1 GiB). */
  readonly cacheBytes?: number;
  /** The worker's Redis URL and queue: k-means agents talk to Redis themselves (kmeansAgent.ts). */
  readonly redis?: string;
  readonly queue?: string;
  /** The worker's name: its agents end when the worker sets its leavingKey (close()). */
  readonly name?: string;
}

export interface BatchWorker {
  readonly name: string;
  /**
   * Stops taking jobs, waits for the running ones, stops the children. A k-means agent does not
   * wait for its run's end: it ends after the shard in hand (agentKeys.ts, leavingKey), and the
   * run goes on on the other workers.
   */
  close(): Promise<void>;
}

/** processor.ts under tsx (sources), processor.js when built. */
function processorFile(): { file: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ts = self.endsWith('.ts');
  const file = fileURLToPath(new URL(ts ? './processor.ts' : './processor.js', import.meta.url));
  // A .ts processor needs tsx in the child; a built one runs on plain Node.
  return { file, execArgv: ts ? ['--import', import.meta.resolve('tsx')] : [] };
}

/**
 * Starts a worker.
 * @example const w = await startWorker({ redis: 'redis://127.0.0.1:6379' }); ... await w.close();
 * @throws ARGUMENT (bad URL, queue or options)
 */
export async function startWorker(options: WorkerOptions): Promise<BatchWorker> {
  const connection = redisOptions(options.redis, 'batch worker');
  const queue = queueName(options, 'batch worker');
  const concurrency = integer(options.concurrency ?? 1, 'concurrency', 1);
  const threads = integer(options.threads ?? 1, 'threads', 1);
  const lockDuration = integer(options.lockDurationMs ?? 30_000, 'lockDurationMs', 10);
  const stalledInterval = integer(options.stalledIntervalMs ?? 30_000, 'stalledIntervalMs', 10);
  const holdMs = integer(options.holdMs ?? 0, 'holdMs', 0);
  const name = options.name ?? `hotpath-${process.pid}`;
  const { file, execArgv } = processorFile();
  const config: ChildConfig = { threads, holdMs, cacheBytes: integer(options.cacheBytes ?? 2 ** 30, 'cacheBytes', 0), redis: options.redis, queue, name };
  const worker = new Worker(queue, file, {
    connection,
    concurrency,
    name,
    lockDuration,
    stalledInterval,
    // A shard may be given back twice (two workers lost) before it counts as failed.
    maxStalledCount: 2,
    useWorkerThreads: false,
    workerForkOptions: { execArgv, env: { ...process.env, HOTPATH_BATCH_CHILD: JSON.stringify(config) } },
    // Started below, once its children are up.
    autorun: false,
  });
  const report = options.onError ?? ((error: Error) => process.stderr.write(`hotpath batch worker ${name}: ${error.message}\n`));
  let last = '';
  worker.on('error', (error) => {
    // While Redis is away every reconnection attempt fails the same way: say it once.
    if (error.message !== last) {
      last = error.message;
      report(error);
    }
  });
  await worker.waitUntilReady();
  await warmChildren(worker, file, concurrency, report);
  worker.run().catch((error: unknown) => report(error instanceof Error ? error : new Error(String(error))));
  return {
    name,
    close: async () => {
      // Tell this worker's k-means agents to leave (bounded: with Redis away, close anyway).
      const redis = new Redis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 1 });
      redis.on('error', () => {});
      const key = leavingKey(queue, name);
      const within = async (work: () => Promise<unknown>): Promise<void> => {
        await Promise.race([work().catch(() => {}), new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
      };
      await within(async () => {
        await redis.connect();
        await redis.set(key, '1', 'EX', LEAVING_TTL_S);
      });
      await worker.close();
      await within(async () => redis.del(key));
      redis.disconnect();
    },
  };
}

/**
 * Forks the worker's `count` sandboxed children now instead of at its first jobs: a child's start
 * (Node, the imports, the runtime: 0.6-0.8 s on the 2-core machine at load 8) would otherwise be
 * part of the first job of every worker, i.e. of every run's wall time. BullMQ has no public call
 * for it: this uses its child pool (retain forks and initialises a child, release makes it the
 * one the next job takes), and skips warming when a BullMQ version lacks that pool.
 */
async function warmChildren(worker: Worker, file: string, count: number, report: (error: Error) => void): Promise<void> {
  const pool = (worker as unknown as { childPool?: { retain?: (file: string) => Promise<unknown>; release?: (child: unknown) => void } }).childPool;
  if (typeof pool?.retain !== 'function' || typeof pool.release !== 'function') {
    return;
  }
  const children = await Promise.allSettled(Array.from({ length: count }, () => pool.retain!(file)));
  for (const child of children) {
    if (child.status === 'fulfilled') {
      pool.release(child.value);
    } else {
      // The first job forks again and reports the same failure on the job.
      report(child.reason instanceof Error ? child.reason : new Error(String(child.reason)));
    }
  }
}

function integer(value: number, what: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    fail({ code: 'ARGUMENT', kernel: 'batch worker', problem: `invalid ${what}`, expected: `an integer >= ${min}`, received: String(value) });
  }
  return value;
}
