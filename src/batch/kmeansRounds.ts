/**
 * The coordinator's side of a k-means run on agents (kmeansAgent.ts): it adds one long-lived
 * BullMQ job per shard, then per round appends the op to the run's stream and blocks on the
 * open shards' signal lists (one BLPOP over 16 of them at most) until every shard's part has come, as
 * float64 bytes with the signal itself. No job per round: a round costs an XADD and a BLPOP
 * wake-up per shard. Publishing op t removes op t - 1's keys: Redis holds one round's parts.
 *
 * Safety nets while waiting (every `pollMs` without a signal): the parts are read directly (a
 * signal lost in a Redis restart); a run whose keys Redis lost (restarted without its data) is
 * published again from what the coordinator holds (the round's op) and its agents added again,
 * so the run resumes and gives the same bits; agents that all failed for good stop the run with
 * their error, and Redis silent for `redisTimeoutMs` stops it with IO naming Redis.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { HotpathError } from '../errors.js';
import { agentId, END_LINGER_S, RUN_TTL_S, runKeys, SIGNAL_HEADER, valuesOf, type RunKeys } from './agentKeys.js';
import { queueName, redisLabel, redisOptions } from './connection.js';
import { bounded, nonNegative, positive, type CoordinatorOptions, type ShardFailure } from './coordinator.js';
import { decodeParts, encodeParts } from './parts.js';
import { decodeError, type KmeansAgentJob, type KmeansOp, type ShardJob } from './protocol.js';

export interface AgentRound {
  /** Per shard, the decoded part (undefined for failed shards). */
  readonly results: readonly unknown[];
  readonly failed: readonly ShardFailure[];
  /** Wall time of the round, ms (from publishing the op to the last part). */
  readonly ms: number;
}

/** Open shards one wait of the coordinator blocks on at most (kmeansRounds.wait). */
const WAIT_KEYS = 16;

/** One k-means run's rounds on its agents. Close it when done (ends the agents, removes the keys). */
export class KmeansRounds {
  readonly run = randomUUID().slice(0, 8);
  private readonly keys: RunKeys;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private t = 0;
  /** The op of the round in progress (what a Redis that lost the run is given again). */
  private current: Buffer | undefined;
  /** Times Redis had lost the run's state mid-round (restarted without its data) and the round was published again. */
  private losses = 0;
  private readonly agents: { name: string; data: ShardJob; opts: object }[] = [];

  private constructor(
    private readonly url: string,
    private readonly queue: Queue,
    /** Commands; `blocking` only waits on BLPOP. */
    private readonly redis: Redis,
    private readonly blocking: Redis,
    private readonly shards: number,
    options: CoordinatorOptions,
  ) {
    this.keys = runKeys(queue.name, this.run);
    this.attempts = positive(options.attempts ?? 3, 'attempts');
    this.backoffMs = nonNegative(options.backoffMs ?? 100, 'backoffMs');
    this.timeoutMs = positive(options.redisTimeoutMs ?? 30_000, 'redisTimeoutMs');
    this.pollMs = positive(options.pollMs ?? 250, 'pollMs');
  }

  /** How long the heartbeat the agents check lasts, ms: well past the longest wait between renewals. */
  private get heartbeatMs(): number {
    return Math.max(10_000, 40 * this.pollMs);
  }

  /**
   * Connects (bounded by redisTimeoutMs) and adds the run's agents, one per shard.
   * @example const r = await KmeansRounds.open({ redis }, 'x.npy', [{ start: 0, count: 4096 }]); ...; await r.close();
   * @throws ARGUMENT (bad URL, queue name or options), IO (Redis does not answer)
   */
  static async open(options: CoordinatorOptions, file: string, shards: readonly { start: number; count: number }[]): Promise<KmeansRounds> {
    const connection = redisOptions(options.redis, 'batch coordinator');
    const name = queueName(options, 'batch coordinator');
    const timeout = positive(options.redisTimeoutMs ?? 30_000, 'redisTimeoutMs');
    const queue = new Queue(name, { connection });
    const redis = new Redis({ ...connection, lazyConnect: true });
    const blocking = new Redis({ ...connection, lazyConnect: true });
    for (const emitter of [queue, redis, blocking]) {
      emitter.on('error', () => {});
    }
    const rounds = new KmeansRounds(options.redis, queue, redis, blocking, shards.length, options);
    try {
      await bounded(Promise.all([queue.waitUntilReady(), redis.connect(), blocking.connect()]), timeout, options.redis, 'connect');
      rounds.agents.push(
        ...shards.map((_, shard) => {
          const data: ShardJob = { kind: 'kmeansAgent', file, shards, run: rounds.run, iteration: 0, shard } satisfies KmeansAgentJob & ShardJob;
          return { name: 'kmeansAgent', data, opts: { jobId: agentId(rounds.run, shard), attempts: rounds.attempts, backoff: { type: 'fixed', delay: rounds.backoffMs }, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } } };
        }),
      );
      // The stream exists before the agents start: an agent takes a missing stream for a run that is over.
      const begin = redis.pipeline().set(rounds.keys.alive, '1', 'PX', rounds.heartbeatMs).xadd(rounds.keys.ops, '*', 'op', encodeParts({ t: -1, op: 'begin', attempts: 0, backoffMs: 0 }));
      await bounded(begin.exec(), timeout, options.redis, 'start the run');
      await bounded(queue.addBulk(rounds.agents), timeout, options.redis, 'add the k-means agents');
    } catch (error) {
      await rounds.disconnect();
      throw error;
    }
    return rounds;
  }

  /**
   * Publishes the next op and waits until every shard has its part (or its error).
   * @throws IO when Redis stops answering for redisTimeoutMs; BACKEND when every agent failed for good
   */
  async round(op: Omit<KmeansOp, 't' | 'attempts' | 'backoffMs'>): Promise<AgentRound> {
    const started = performance.now();
    const t = this.t++;
    this.current = encodeParts({ ...op, t, attempts: this.attempts, backoffMs: this.backoffMs });
    // The current op first: an agent that reads op t claims its shards only while t is current.
    const publish = this.redis.pipeline().set(this.keys.alive, '1', 'PX', this.heartbeatMs).set(this.keys.current, String(t), 'EX', RUN_TTL_S).xadd(this.keys.ops, '*', 'op', this.current);
    if (t > 0) {
      // The last round's parts are read: Redis holds one round's parts at most.
      publish.del(...this.roundKeys(t - 1));
    }
    const published = publish.exec();
    const open = new Set(Array.from({ length: this.shards }, (_, s) => s));
    // The first wait goes out with the op, not after its reply: Redis has one command less to
    // read between the op and the first part.
    let first: ReturnType<KmeansRounds['wait']> | undefined = this.wait(t, open);
    first.catch(() => {});
    for (const [error] of (await bounded(published, this.timeoutMs, this.url, 'publish the k-means step')) ?? []) {
      if (error !== null) {
        throw new HotpathError({ code: 'IO', kernel: 'batch coordinator', problem: `Redis at ${redisLabel(this.url)} refused the k-means step: ${error.message}`, hint: 'check the Redis server (memory, permissions)' });
      }
    }
    const results = new Array<unknown>(this.shards);
    const failed: ShardFailure[] = [];
    const settle = (s: number, bytes: Buffer): void => {
      open.delete(s);
      const part = decodeParts(bytes, 'batch kmeans') as { error?: string };
      if (part.error === undefined) {
        results[s] = part;
      } else {
        const { code, message } = decodeError(part.error);
        failed.push({ shard: s, code, message });
      }
    };
    /** A part's bytes as stored (its header, then the part): settled when it is of this round and still open. */
    const receive = (bytes: Buffer): void => {
      const s = bytes.length < SIGNAL_HEADER ? -1 : bytes.readUInt32LE(4);
      if (s >= 0 && bytes.readUInt32LE(0) === t && open.has(s)) {
        settle(s, bytes.subarray(SIGNAL_HEADER));
      }
    };
    let checked = Date.now();
    while (open.size > 0) {
      // A signal brings its part; every pollMs (with or without signals) the safety nets run.
      const signal = await (first ?? this.wait(t, open));
      first = undefined;
      if (signal !== null) {
        receive(signal[1]);
      }
      if (open.size === 0 || (signal !== null && Date.now() - checked < this.pollMs)) {
        continue;
      }
      checked = Date.now();
      await this.check();
      const read = this.redis.pipeline();
      for (const s of open) {
        read.lindexBuffer(this.keys.part(t, s), 0);
      }
      for (const [error, bytes] of (await bounded(read.exec(), this.timeoutMs, this.url, 'read the shard results')) ?? []) {
        if (error === null && bytes instanceof Buffer) {
          receive(bytes);
        }
      }
    }
    return { results, failed: failed.sort((a, b) => a.shard - b.shard), ms: performance.now() - started };
  }

  /** Times Redis had lost the run's state mid-round (restarted without its data) and the round was published again. */
  get redisLosses(): number {
    return this.losses;
  }

  /**
   * One wait for the signal of an open shard of op t, pollMs at most (null: none came): on the
   * first WAIT_KEYS open shards, so that a run of many shards does not register and re-register
   * all of them with Redis at every part (the others' signals wait in their lists until then).
   */
  private wait(t: number, open: ReadonlySet<number>): Promise<[Buffer, Buffer] | null> {
    const keys = [...open].slice(0, WAIT_KEYS).map((s) => this.keys.signal(t, s));
    return bounded(this.blocking.blpopBuffer(...keys, this.pollMs / 1000), this.timeoutMs + this.pollMs, this.url, 'wait for the shards');
  }

  /** The keys of op t's shards. */
  private roundKeys(t: number): string[] {
    return Array.from({ length: this.shards }, (_, s) => [this.keys.claim(t, s), this.keys.part(t, s), this.keys.signal(t, s), this.keys.fails(t, s)]).flat();
  }

  /** Shard parts stored a second time and ignored (a shard computed twice). */
  async duplicates(): Promise<number> {
    return Number((await bounded(this.redis.get(this.keys.dups), this.timeoutMs, this.url, 'read the duplicate count')) ?? 0);
  }

  /** Ends the agents, removes the ones never started and the run's keys (the op stream after END_LINGER_S), disconnects. */
  async close(): Promise<void> {
    const quiet = async (work: () => Promise<unknown>): Promise<void> => {
      await Promise.race([work().catch(() => {}), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
    };
    await quiet(async () => {
      await this.redis.xadd(this.keys.ops, '*', 'op', encodeParts({ t: this.t, op: 'end', attempts: 0, backoffMs: 0 }));
      await Promise.all(Array.from({ length: this.shards }, (_, s) => this.queue.remove(agentId(this.run, s)).catch(() => 0)));
      // The last round's keys (each round removed the one before it), and the one before: an agent
      // still on it may have stored a part late (older ones expire with RUN_TTL_S). The op
      // stream, ending in 'end', stays a few seconds for agents that read it late.
      const pipeline = this.redis.pipeline().expire(this.keys.ops, END_LINGER_S).del(this.keys.current, this.keys.dups, this.keys.alive, this.keys.stage);
      for (let t = Math.max(0, this.t - 2); t < this.t; t++) {
        pipeline.del(...this.roundKeys(t));
      }
      await pipeline.exec();
    });
    await this.disconnect();
  }

  private async disconnect(): Promise<void> {
    this.redis.disconnect();
    this.blocking.disconnect();
    await Promise.race([this.queue.close().catch(() => {}), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
    await this.queue.disconnect().catch(() => {});
  }

  /**
   * No signal for pollMs: renews the heartbeat; is the run still there, and is any agent left that
   * could finish it? A run Redis lost (restarted without its data: the op stream, claims and parts
   * are gone) gets the round's op again; agents Redis no longer knows are added again. Parts of
   * the round stored before the loss are lost with it and computed again (same bits).
   */
  private async check(): Promise<void> {
    await bounded(this.redis.set(this.keys.alive, '1', 'PX', this.heartbeatMs), this.timeoutMs, this.url, 'renew the run');
    if ((await bounded(this.redis.exists(this.keys.ops), this.timeoutMs, this.url, 'check the run')) === 0 && this.current !== undefined) {
      // Agents still following the lost stream see it gone and end; the ones added below read this op first.
      const again = this.redis.pipeline().set(this.keys.current, String(this.t - 1), 'EX', RUN_TTL_S).xadd(this.keys.ops, '*', 'op', this.current);
      valuesOf(await bounded(again.exec(), this.timeoutMs, this.url, 'publish the lost k-means step again'));
      this.losses++;
    }
    const states = await bounded(Promise.all(Array.from({ length: this.shards }, (_, s) => this.queue.getJobState(agentId(this.run, s)))), this.timeoutMs, this.url, 'check the agents');
    const lost = this.agents.filter((_, s) => states[s] === 'unknown');
    if (lost.length > 0) {
      await bounded(this.queue.addBulk(lost), this.timeoutMs, this.url, 'add the lost agents again');
    }
    if (states.every((state) => state === 'failed')) {
      const job = await this.queue.getJob(agentId(this.run, 0));
      const { code, message } = decodeError(job?.failedReason);
      throw new HotpathError({ code: code === 'INTERNAL' ? 'BACKEND' : code, kernel: 'batch kmeans', problem: `every k-means agent failed after its retries: ${message}`, hint: 'see the workers\' errors; fix and run again' });
    }
  }
}
