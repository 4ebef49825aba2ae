/**
 * A k-means agent: one long-lived BullMQ job per shard of a run, run by the sandboxed processor
 * (processor.ts). Instead of one queue job per shard per Lloyd step (enqueue, pickup, IPC and
 * a completion event each time: ~7 ms per iteration measured), the agent follows the run's op
 * stream (agentKeys.ts) with a blocking XREAD, computes, stores the part as float64 bytes and
 * signals the coordinator, which blocks on BLPOP with the part in the signal (measured on the
 * quiet 2-core machine, 1 000 000 x 32, k 64, 2 shards: the op reaches the agents 0.4-0.9 ms
 * after the round starts, the last part reaches the coordinator 1.3 ms after its compute ends).
 *
 * Per op it claims its own shard first (computing it while the claim's reply is on its way: a part
 * is stored only for the claim's holder), then any shard that is free or whose agent's BullMQ lock
 * is gone, so fewer workers than shards still finish every op (one worker computes them all), and
 * a worker killed with SIGKILL loses nothing: once its lock expires the others take its shard,
 * and BullMQ retries its job, which resumes at the newest op. While it waits it re-checks the
 * newest op every RESCAN_MS for shards to take over, and stops when the coordinator's heartbeat
 * has expired (a coordinator killed mid-run leaves no agent waiting forever). Parts are keyed
 * (run, op, shard) and stored once (STORE), so a shard computed twice counts once. When its worker
 * shuts down (its leavingKey is set) the agent claims nothing more and ends its job after the
 * shard in hand: the other agents take its shard at the next op, and the coordinator adds the
 * job again for a worker that comes later.
 */
import type { Redis } from 'ioredis';
import type { Runtime } from '../runtime/runtime.js';
import { CLAIM, leavingKey, partBytes, RUN_TTL_S, runKeys, storePart, valuesOf, type RunKeys } from './agentKeys.js';
import { ChunkCache, kmeansShard } from './kmeansShard.js';
import { decodeParts } from './parts.js';
import { encodeError, type KmeansAgentJob, type KmeansOp, type ShardJob } from './protocol.js';

/** How often a waiting agent looks again for shards whose agent died, ms. */
export const RESCAN_MS = 500;

export interface AgentContext {
  readonly hp: Runtime;
  /** A connection of this agent's own (XREAD blocks it). */
  readonly redis: Redis;
  readonly queue: string;
  readonly cache: ChunkCache;
  /** BullMQ's prefix of this queue's job keys, `${job.queueQualifiedName}:` (a job's lock is `${jobKeys}${id}:lock`). */
  readonly jobKeys: string;
  /** The name of the worker running this agent (its leavingKey says when it shuts down). */
  readonly worker: string;
}

export interface AgentOutcome {
  /** Ops seen, and shard parts this agent stored. */
  readonly ops: number;
  readonly parts: number;
  /** True when it ended because its worker shut down, not because the run did. */
  readonly left: boolean;
}

/**
 * Follows a run until its 'end' op (or until the run's keys are gone), then returns.
 * @example await kmeansAgent({ hp, redis, queue: 'hotpath', cache }, job.data, job.id)
 * @throws only when Redis answers with an error; shard errors are stored as the shard's part
 */
export async function kmeansAgent(ctx: AgentContext, job: ShardJob & KmeansAgentJob, id: string): Promise<AgentOutcome> {
  const keys = runKeys(ctx.queue, job.run);
  const leaving = leavingKey(ctx.queue, ctx.worker);
  let last = '0-0';
  let current: KmeansOp | undefined;
  let ops = 0;
  let parts = 0;
  // The coordinator creates the stream before it adds the agents: none means the run is over.
  if ((await ctx.redis.exists(keys.ops)) === 0) {
    return { ops, parts, left: false };
  }
  for (;;) {
    const reply = await ctx.redis.xreadBuffer('COUNT', 1000, 'BLOCK', RESCAN_MS, 'STREAMS', keys.ops, last);
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) {
      const [run, left] = valuesOf(await ctx.redis.pipeline().exists(keys.ops, keys.alive).exists(leaving).exec()) as number[];
      if (left === 1) {
        return { ops, parts, left: true };
      }
      if (run! < 2) {
        // The coordinator removed the run (over) or is gone, or Redis lost the run: nothing left to do.
        return { ops, parts, left: false };
      }
    } else {
      // Ops before the newest are settled: the coordinator publishes op t + 1 only after op t.
      const [entryId, fields] = entries[entries.length - 1]!;
      last = entryId.toString();
      ops += entries.length;
      const op = opOf(fields);
      if (op.op === 'end') {
        return { ops, parts, left: false };
      }
      current = op.op === 'begin' ? undefined : op;
    }
    if (current !== undefined) {
      const { stored, left } = await work(ctx, keys, leaving, job, id, current);
      parts += stored;
      if (left) {
        return { ops, parts, left: true };
      }
    }
  }
}

function opOf(fields: Buffer[]): KmeansOp {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i]!.toString() === 'op') {
      return decodeParts(fields[i + 1]!, 'batch kmeans agent') as KmeansOp;
    }
  }
  throw new Error('a k-means op entry without its op field');
}

/**
 * Claims and computes what it can of `op`, own shard first, until its worker is leaving; the parts
 * stored. Round trips are kept off the op's critical path: the claim of its own shard goes out
 * before the compute starts, and its store right after it, before the claim's reply is read
 * (STORE stores only for the claim's holder, so nothing changes but a compute thrown away when the
 * claim was refused). The next shard's claim goes out as soon as a compute ends, before its part is
 * encoded and stored, so its reply is back when it is needed; stores are not waited for between
 * shards, only at the end.
 */
async function work(ctx: AgentContext, keys: RunKeys, leaving: string, job: KmeansAgentJob & ShardJob, id: string, op: KmeansOp): Promise<{ stored: number; left: boolean }> {
  const count = job.shards.length;
  const claim = (s: number): Promise<unknown> => {
    const reply = ctx.redis.eval(CLAIM, 4, keys.claim(op.t, s), keys.part(op.t, s), leaving, keys.current, id, ctx.jobKeys, RUN_TTL_S, op.t);
    // A failed claim rejects before it is awaited: handled there, not reported as unhandled.
    reply.catch(() => {});
    return reply;
  };
  const stores: Promise<unknown[]>[] = [];
  const outcome = async (left: boolean): Promise<{ stored: number; left: boolean }> => {
    // storePart's replies: DEL, RPUSH, then STORE's (1: stored).
    const replies = await Promise.all(stores);
    return { stored: replies.filter((r) => r[2] === 1).length, left };
  };
  let reply = claim(job.shard);
  for (let i = 0; i < count; i++) {
    const s = (job.shard + i) % count;
    let nextReply: Promise<unknown> | undefined;
    const claimNext = (): void => {
      if (nextReply === undefined && i + 1 < count) {
        nextReply = claim((s + 1) % count);
      }
    };
    let part: Buffer | undefined;
    if (i === 0) {
      part = await compute(ctx, keys, job, s, op, reply, claimNext);
    } else {
      const granted = await reply;
      if (granted === -1) {
        return outcome(true);
      }
      part = granted === 1 ? await compute(ctx, keys, job, s, op, undefined, claimNext) : undefined;
    }
    claimNext();
    if (part !== undefined) {
      const store = storePart(ctx.redis.multi(), keys, op.t, s, id, part).exec().then(valuesOf);
      store.catch(() => {});
      stores.push(store);
    }
    if (i === 0 && (await reply) === -1) {
      // The worker is leaving: the agent claims nothing more.
      return outcome(true);
    }
    if (nextReply === undefined) {
      break;
    }
    reply = nextReply;
  }
  return outcome(false);
}

/**
 * The shard's part as bytes: its result and compute time, or after op.attempts errors the last
 * one. With `claim` (a compute started before its claim's reply), an error counts as a try only
 * once the claim is granted; otherwise the compute gives up (undefined) and counts nothing.
 * `computed` is called when the compute has succeeded, before its part is encoded.
 */
async function compute(ctx: AgentContext, keys: RunKeys, job: KmeansAgentJob, s: number, op: KmeansOp, claim?: Promise<unknown>, computed?: () => void): Promise<Buffer | undefined> {
  const { start, count } = job.shards[s]!;
  const { t: _t, attempts, backoffMs, op: kind, ...rest } = op;
  for (;;) {
    try {
      const started = performance.now();
      const result = kmeansShard(ctx.hp, { ...rest, op: kind as Exclude<KmeansOp['op'], 'begin' | 'end'>, file: job.file, start, count }, ctx.cache) as object;
      const ms = performance.now() - started;
      computed?.();
      return partBytes(op.t, s, { ...result, ms });
    } catch (error) {
      if (claim !== undefined && (await claim) !== 1) {
        return undefined;
      }
      const tries = await ctx.redis.incr(keys.fails(op.t, s));
      await ctx.redis.expire(keys.fails(op.t, s), RUN_TTL_S);
      if (tries >= attempts) {
        return partBytes(op.t, s, { error: encodeError(error).message });
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }
}
