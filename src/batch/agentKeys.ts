/**
 * The Redis side of a k-means run on agents (kmeansAgent.ts, kmeansRounds.ts): key names and the
 * two scripts that make a shard's part count once.
 *
 * - `ops`: a stream; the coordinator appends op t (its centroids as float64 bytes) once every
 *   shard of op t - 1 has its part, and 'end' when the run is over. Agents block on it (XREAD).
 * - `claim:t:s`: which agent (BullMQ job id) computes shard s of op t (the current op only). An agent may take a claim
 *   that is free, its own (a retried agent resumes) or held by an agent whose BullMQ lock is gone
 *   (its worker died): BullMQ's lock, renewed by the worker process while the child computes, is
 *   the liveness signal.
 * - `part:t:s`: the shard's result (its signalHeader, then parts.ts bytes) as the one element of
 *   a list; stored only by the claim's holder and only once: a shard computed twice (a retried
 *   agent that had stored it already) is stored once, and the second store only counts in `dups`.
 * - `signal:t:s`: the same one-element list, where the coordinator blocks (one BLPOP on the open
 *   shards' signals, 16 at most): the wake-up brings the part with it.
 * - `current`: the op t of the round in progress. A claim for another op is refused: once op t + 1
 *   is published, op t's keys are deleted, and a late agent must not compute op t again.
 * - `stage`: where a store's bytes land before STORE moves them (one transaction: never seen
 *   between two). The part travels as a plain RPUSH argument and is copied and renamed inside
 *   Redis, never handed to Lua: a 270 KB argument costs ~1 ms more as a script's ARGV (measured:
 *   STORE of a 270 KB part with the bytes in ARGV, 1.67 ms to the coordinator's wake-up; staged,
 *   0.56 ms; a plain LPUSH, 0.40 ms).
 * - `fails:t:s`: tries that failed with an error; after `attempts` the part stores the error.
 * - `alive`: the coordinator's heartbeat (a key that expires unless renewed): agents whose
 *   coordinator is gone without ending the run stop instead of waiting forever.
 * - `leavingKey(queue, worker)` (not per run): set while a worker shuts down; its agents claim
 *   nothing more and end, the others take their shards, and the coordinator adds their jobs
 *   again for a later worker.
 */
import type { ChainableCommander } from 'ioredis';
import { encodeParts } from './parts.js';

/** Seconds every key of a run lives at most (the coordinator deletes a round's keys when it publishes the next, the rest at the end). */
export const RUN_TTL_S = 24 * 3600;

/**
 * Seconds the op stream outlives its run's end (its last entry is 'end'): an agent that reads it
 * after the run (one coming back from its last store, or a job of the run picked up as the run
 * closed) ends at once instead of waiting RESCAN_MS on a stream that is gone.
 */
export const END_LINGER_S = 10;

export interface RunKeys {
  readonly ops: string;
  /** The op t of the round in progress (the coordinator sets it before it appends the op). */
  readonly current: string;
  readonly dups: string;
  readonly alive: string;
  readonly stage: string;
  claim(t: number, shard: number): string;
  part(t: number, shard: number): string;
  signal(t: number, shard: number): string;
  fails(t: number, shard: number): string;
}

/** The keys of run `run` on queue `queue`. @example runKeys('hotpath', 'ab12cd34').ops // 'hotpath:hotpath:ab12cd34:ops' */
export function runKeys(queue: string, run: string): RunKeys {
  const p = `hotpath:${queue}:${run}`;
  return {
    ops: `${p}:ops`,
    current: `${p}:current`,
    dups: `${p}:dups`,
    alive: `${p}:alive`,
    stage: `${p}:stage`,
    claim: (t, s) => `${p}:claim:${t}:${s}`,
    part: (t, s) => `${p}:part:${t}:${s}`,
    signal: (t, s) => `${p}:signal:${t}:${s}`,
    fails: (t, s) => `${p}:fails:${t}:${s}`,
  };
}

/** The key a worker named `worker` sets on `queue` while it shuts down (its agents leave). */
export function leavingKey(queue: string, worker: string): string {
  return `hotpath:${queue}:leaving:${worker}`;
}

/** The BullMQ job id of agent `index` of a run. */
export function agentId(run: string, index: number): string {
  return `${run}.agent.${index}`;
}

/**
 * KEYS: claim, part, leaving (this agent's worker's leavingKey), current. ARGV: this agent's job
 * id, the prefix of the queue's job keys (BullMQ's `${job.queueQualifiedName}:`; a job's lock is
 * `${prefix}${id}:lock`), ttl (s), the op t. -1 when the agent's worker is leaving, 1 when this
 * agent now holds the claim and the part is missing, else 0 (also for an op that is no longer the
 * current one: its round is over and its keys are gone, so nothing else would refuse it).
 */
export const CLAIM = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
if redis.call('GET', KEYS[4]) ~= ARGV[4] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] or redis.call('EXISTS', ARGV[2] .. owner .. ':lock') == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
  return 1
end
return 0`;

/**
 * KEYS: claim, part, stage, signal, dups. ARGV: this agent's job id, ttl (s). Run right after the
 * RPUSH of the part's bytes onto stage, in one transaction (storePart). 1 when stored (part and
 * signal), 0 when the part was there already (counted in dups), -2 when this agent does not hold
 * the claim (nothing stored: the holder stores it), so an agent may send its store before it has
 * read its claim's reply.
 */
export const STORE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  redis.call('DEL', KEYS[3])
  return -2
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[3])
  redis.call('INCR', KEYS[5])
  redis.call('EXPIRE', KEYS[5], ARGV[2])
  return 0
end
redis.call('COPY', KEYS[3], KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('RENAME', KEYS[3], KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[2])
return 1`;

/**
 * The commands that store shard s's part of op t for agent `id` (`bytes` from partBytes), added to
 * a transaction; STORE's reply is the last one's.
 */
export function storePart(multi: ChainableCommander, keys: RunKeys, t: number, s: number, id: string, bytes: Buffer): ChainableCommander {
  return multi.del(keys.stage).rpush(keys.stage, bytes).eval(STORE, 5, keys.claim(t, s), keys.part(t, s), keys.stage, keys.signal(t, s), keys.dups, id, RUN_TTL_S);
}

/** Shard s's part of op t as stored: its header (op and shard), then `value` as parts.ts encodes it. */
export function partBytes(t: number, s: number, value: unknown): Buffer {
  return encodeParts(value, signalHeader(t, s));
}

/**
 * A pipeline's or transaction's reply values; an error reply throws, as the command alone would
 * (an agent's job fails and BullMQ retries it) instead of being read as a value.
 */
export function valuesOf(replies: [Error | null, unknown][] | null): unknown[] {
  return (replies ?? []).map(([error, value]) => {
    if (error !== null) {
      throw error;
    }
    return value;
  });
}

/** Bytes of a part's header (partBytes): op t and shard s as u32 LE (t = -1 never has parts). */
export const SIGNAL_HEADER = 8;

/** The header before a part's bytes. */
export function signalHeader(t: number, shard: number): Buffer {
  const out = Buffer.alloc(SIGNAL_HEADER);
  out.writeUInt32LE(t, 0);
  out.writeUInt32LE(shard, 4);
  return out;
}
