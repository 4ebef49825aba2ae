/**
 * The coordinator's side of a batch run: rounds of shard jobs on one BullMQ queue, waited for
 * until every shard has completed or failed after its retries. Results are keyed by (run,
 * iteration, shard) through the job id `run.iteration.shard`: a shard completed twice (a
 * worker thought dead finished after all, a job re-added after Redis lost it) counts once.
 *
 * Completions arrive as QueueEvents (a blocking XREAD, so a round's overhead stays a few
 * milliseconds); a poll every `pollMs` also reads every pending job's hash, which catches
 * events missed while Redis restarted and re-adds a job Redis no longer knows (restarted
 * without persistence). When Redis does not answer for `redisTimeoutMs`, the round stops
 * with an IO error that names the Redis URL and what to do, instead of waiting forever.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { fail, HotpathError, type ErrorCode } from '../errors.js';
import { queueName, redisLabel, redisOptions, type BatchConnection } from './connection.js';
import { decodeError, type ShardJob, type ShardTask } from './protocol.js';

export interface CoordinatorOptions extends BatchConnection {
  /** Tries per shard before it counts as failed (BullMQ `attempts`; default 3). */
  readonly attempts?: number;
  /** Wait between tries of a shard, ms (default 100). */
  readonly backoffMs?: number;
  /** How long Redis may not answer before the run stops with IO, ms (default 30 000). */
  readonly redisTimeoutMs?: number;
  /** Interval of the safety poll over pending jobs, ms (default 250). */
  readonly pollMs?: number;
}

export interface ShardFailure {
  readonly shard: number;
  readonly code: ErrorCode | 'INTERNAL';
  readonly message: string;
}

export interface RoundOutcome {
  /** Per shard, the worker's return value (undefined for failed shards). */
  readonly results: readonly unknown[];
  readonly failed: readonly ShardFailure[];
  /** Completions ignored because their shard had completed already. */
  readonly duplicates: number;
  /** Jobs added again because Redis had lost them. */
  readonly readded: number;
  /** Wall time of the round, ms (from adding the jobs to the last result). */
  readonly ms: number;
}

interface Pending {
  readonly ids: Map<string, number>;
  readonly results: unknown[];
  readonly done: boolean[];
  readonly failed: ShardFailure[];
  left: number;
  duplicates: number;
  readded: number;
  settle?: () => void;
}

/** One coordinator: a queue, its events, and the rounds of one run. Close it when done. */
export class Coordinator {
  readonly run = randomUUID().slice(0, 8);
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private current: Pending | undefined;
  private lastAnswer = Date.now();

  private constructor(
    private readonly url: string,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    /** For the poll: one pipeline of HMGETs per round trip. */
    private readonly redis: Redis,
    options: CoordinatorOptions,
  ) {
    this.attempts = positive(options.attempts ?? 3, 'attempts');
    this.backoffMs = nonNegative(options.backoffMs ?? 100, 'backoffMs');
    this.timeoutMs = positive(options.redisTimeoutMs ?? 30_000, 'redisTimeoutMs');
    this.pollMs = positive(options.pollMs ?? 250, 'pollMs');
    events.on('completed', ({ jobId, returnvalue }) => this.completed(jobId, returnvalue));
    events.on('failed', ({ jobId }) => void this.checkFailed(jobId));
  }

  /**
   * Connects to Redis (bounded by redisTimeoutMs).
   * @example const c = await Coordinator.open({ redis: 'redis://127.0.0.1:6379' }); ...; await c.close();
   * @throws ARGUMENT (bad URL, queue name or options), IO (Redis does not answer)
   */
  static async open(options: CoordinatorOptions): Promise<Coordinator> {
    const connection = redisOptions(options.redis, 'batch coordinator');
    const name = queueName(options, 'batch coordinator');
    const timeout = positive(options.redisTimeoutMs ?? 30_000, 'redisTimeoutMs');
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection, blockingTimeout: 1000 });
    // Without a listener an 'error' event would throw; connection trouble shows as timeouts.
    const redis = new Redis({ ...connection, lazyConnect: true });
    queue.on('error', () => {});
    events.on('error', () => {});
    redis.on('error', () => {});
    try {
      await bounded(Promise.all([queue.waitUntilReady(), events.waitUntilReady(), redis.connect()]), timeout, options.redis, 'connect');
    } catch (error) {
      await closeQuietly(queue, events, redis);
      throw error;
    }
    return new Coordinator(options.redis, queue, events, redis, options);
  }

  /**
   * Runs one round: a job per task, waiting until each has completed or failed for good.
   * `onShard` is called once per shard as it settles (for progress).
   * @throws IO when Redis stops answering for redisTimeoutMs
   */
  async round(iteration: number, tasks: readonly ShardTask[], onShard?: (shard: number) => void): Promise<RoundOutcome> {
    const started = performance.now();
    const pending: Pending = { ids: new Map(), results: new Array<unknown>(tasks.length), done: new Array<boolean>(tasks.length).fill(false), failed: [], left: tasks.length, duplicates: 0, readded: 0 };
    const jobs = tasks.map((task, shard) => {
      const id = `${this.run}.${iteration}.${shard}`;
      pending.ids.set(id, shard);
      return this.job(id, { ...task, run: this.run, iteration, shard });
    });
    if (tasks.length === 0) {
      return { results: [], failed: [], duplicates: 0, readded: 0, ms: 0 };
    }
    const settled = new Promise<void>((resolve) => {
      pending.settle = resolve;
    });
    const onDone = (shard: number): void => onShard?.(shard);
    this.current = pending;
    this.onSettle = onDone;
    try {
      await bounded(this.queue.addBulk(jobs), this.timeoutMs, this.url, 'add the shard jobs');
      this.lastAnswer = Date.now();
      await this.wait(settled, () => this.poll(pending, tasks, iteration));
    } finally {
      this.current = undefined;
      this.onSettle = undefined;
    }
    return { results: pending.results, failed: [...pending.failed].sort((a, b) => a.shard - b.shard), duplicates: pending.duplicates, readded: pending.readded, ms: performance.now() - started };
  }

  private onSettle: ((shard: number) => void) | undefined;

  /** Counts of this queue's jobs by state (all runs). */
  async counts(): Promise<Record<string, number>> {
    return bounded(this.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed'), this.timeoutMs, this.url, 'read the queue counts');
  }

  async close(): Promise<void> {
    await closeQuietly(this.queue, this.events, this.redis);
  }

  private job(id: string, data: ShardJob): { name: string; data: ShardJob; opts: object } {
    return {
      name: data.kind,
      data,
      opts: {
        jobId: id,
        attempts: this.attempts,
        backoff: { type: 'fixed', delay: this.backoffMs },
        // Results are read from the completion event or the poll right away; kept a while for `status`.
        removeOnComplete: { age: 600, count: 2000 },
        removeOnFail: { age: 24 * 3600 },
      },
    };
  }

  /** Resolves when `settled` does; polls meanwhile; rejects with IO when Redis is silent too long. */
  private async wait(settled: Promise<void>, poll: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let polling = false;
    const silent = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        if (Date.now() - this.lastAnswer > this.timeoutMs) {
          reject(redisDown(this.url, this.timeoutMs, 'wait for the shards'));
          return;
        }
        if (!polling) {
          polling = true;
          poll().then(
            () => {
              this.lastAnswer = Date.now();
              polling = false;
            },
            () => {
              polling = false;
            },
          );
        }
      }, this.pollMs);
    });
    try {
      await Promise.race([settled, silent]);
    } finally {
      clearInterval(timer);
    }
  }

  /** Reads each pending job's hash: completed or failed ones settle, lost ones are added again. */
  private async poll(pending: Pending, tasks: readonly ShardTask[], iteration: number): Promise<void> {
        const open = [...pending.ids].filter(([, shard]) => !pending.done[shard]);
    const pipeline = this.redis.pipeline();
    for (const [id] of open) {
      pipeline.hmget(this.queue.toKey(id), 'finishedOn', 'returnvalue', 'failedReason');
    }
    const replies = (await pipeline.exec()) ?? [];
    const lost: { name: string; data: ShardJob; opts: object }[] = [];
    open.forEach(([id, shard], i) => {
      const [error, value] = replies[i] ?? [null, null];
      if (error !== null) {
        return;
      }
      const [finishedOn, returnvalue, failedReason] = value as [string | null, string | null, string | null];
      if (finishedOn === null && returnvalue === null && failedReason === null) {
        lost.push(this.job(id, { ...tasks[shard]!, run: this.run, iteration, shard }));
      } else if (finishedOn !== null && returnvalue !== null) {
        this.completed(id, JSON.parse(returnvalue) as unknown);
      } else if (finishedOn !== null) {
        this.failed(id, failedReason ?? undefined);
      }
    });
    if (lost.length > 0 && this.current === pending) {
      pending.readded += lost.length;
      await this.queue.addBulk(lost);
    }
  }

  private completed(id: string, value: unknown): void {
    const pending = this.current;
    const shard = pending?.ids.get(id);
    if (pending === undefined || shard === undefined) {
      return;
    }
    if (pending.done[shard]) {
      pending.duplicates++;
      return;
    }
    pending.results[shard] = value;
    this.settleOne(pending, shard);
  }

  private async checkFailed(id: string): Promise<void> {
    const pending = this.current;
    if (pending?.ids.get(id) === undefined) {
      return;
    }
    // 'failed' also fires for a try that will be retried: only the job's state says it is final.
    const state = await this.queue.getJobState(id as string).catch(() => 'unknown');
    if (state === 'failed') {
      const job = await this.queue.getJob(id).catch(() => undefined);
      this.failed(id, job?.failedReason);
    }
  }

  private failed(id: string, reason: string | undefined): void {
    const pending = this.current;
    const shard = pending?.ids.get(id);
    if (pending === undefined || shard === undefined || pending.done[shard]) {
      return;
    }
    const { code, message } = decodeError(reason);
    pending.failed.push({ shard, code, message });
    this.settleOne(pending, shard);
  }

  private settleOne(pending: Pending, shard: number): void {
    pending.done[shard] = true;
    pending.left--;
    this.onSettle?.(shard);
    if (pending.left === 0) {
      pending.settle?.();
    }
  }
}

/**
 * The error for failed shards, after the others finished: the first failure's code (FORMAT for
 * a corrupt file), naming each failed shard and what it was.
 */
export function shardsFailed(where: string, failed: readonly ShardFailure[], describe: (shard: number) => string, total: number): HotpathError {
  const first = failed[0]!;
  const list = failed.map((f) => `shard ${f.shard} (${describe(f.shard)}): [${f.code}] ${f.message}`).join('; ');
  return new HotpathError({
    code: first.code === 'INTERNAL' ? 'BACKEND' : first.code,
    kernel: where,
    problem: `${failed.length} of ${total} shards failed after their retries (the others finished): ${list}`,
    hint: 'fix or remove the named files and run again',
  });
}

export function redisDown(url: string, ms: number, action: string): HotpathError {
  return new HotpathError({
    code: 'IO',
    kernel: 'batch coordinator',
    problem: `Redis at ${redisLabel(url)} did not answer for ${(ms / 1000).toFixed(1)} s while trying to ${action}`,
    expected: 'a running redis-server',
    received: 'no answer',
    hint: 'start or restart redis-server (workers reconnect by themselves), then run the coordinator again; raise --redis-timeout to wait longer',
  });
}

/** `promise`, or IO after `ms` without an answer from Redis. */
export async function bounded<T>(promise: Promise<T>, ms: number, url: string, action: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(redisDown(url, ms, action)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function closeQuietly(queue: Queue, events: QueueEvents, redis: Redis): Promise<void> {
  // close() waits for pending commands, and disconnect() for the connection's end: with Redis
  // gone neither comes, so each gets 1 s at most.
  const within = (promise: Promise<unknown>): Promise<unknown> => Promise.race([promise.catch(() => {}), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
  await within(Promise.allSettled([queue.close(), events.close()]));
  redis.disconnect();
  await within(Promise.allSettled([queue.disconnect(), events.disconnect()]));
}

export function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    fail({ code: 'ARGUMENT', kernel: 'batch coordinator', problem: `invalid ${name}`, expected: 'a positive number', received: String(value) });
  }
  return value;
}

export function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    fail({ code: 'ARGUMENT', kernel: 'batch coordinator', problem: `invalid ${name}`, expected: 'a number >= 0', received: String(value) });
  }
  return value;
}
