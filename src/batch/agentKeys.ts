/**
 * The Redis side of a k-means run on agents (kmeansAgent.ts, kmeansRounds.ts): key names and the
 * two scripts that make a shard's part count once.
 *
 * - `ops`: a stream; the coordinator appends op t (its centroids as float64 bytes) once every
 *   shard of op t - 1 has its part, and 'end' when the run is over. Agents block on it (XREAD).
 * - `claim:t:s`: which agent (BullMQ job id) computes shard s of op t. An agent may take a claim
 *   that is free, its own (a retried agent resumes) or held by an agent whose BullMQ lock is gone
 *   (its worker died): BullMQ's lock, renewed by the worker process while the child computes, is
 *   the liveness signal.
 * - `part:t:s`: the shard's result (parts.ts bytes), written with SET NX: a shard computed twice
 *   (a stolen claim whose first owner finished after all) is stored once, and the second write
 *   only counts in `dups`. Each stored part is also pushed onto `done` behind its (t, s) header
 *   (signalHeader), where the coordinator blocks (BLPOP): the wake-up brings the part with it.
 * - `fails:t:s`: tries that failed with an error; after `attempts` the part stores the error.
 * - `alive`: the coordinator's heartbeat (a key that expires unless renewed): agents whose
 *   coordinator is gone without ending the run stop instead of waiting forever.
 * - `leavingKey(queue, worker)` (not per run): set while a worker shuts down; its agents claim
 *   nothing more and end, the others take their shards, and the coordinator adds their jobs
 *   again for a later worker.
 */

/** Seconds every key of a run lives at most (the coordinator deletes them at the end). */
export const RUN_TTL_S = 24 * 3600;

export interface RunKeys {
  readonly ops: string;
  readonly done: string;
  readonly dups: string;
  readonly alive: string;
  claim(t: number, shard: number): string;
  part(t: number, shard: number): string;
  fails(t: number, shard: number): string;
}

/** The keys of run `run` on queue `queue`. @example runKeys('hotpath', 'ab12cd34').ops // 'hotpath:hotpath:ab12cd34:ops' */
export function runKeys(queue: string, run: string): RunKeys {
  const p = `hotpath:${queue}:${run}`;
  return {
    ops: `${p}:ops`,
    done: `${p}:done`,
    dups: `${p}:dups`,
    alive: `${p}:alive`,
    claim: (t, s) => `${p}:claim:${t}:${s}`,
    part: (t, s) => `${p}:part:${t}:${s}`,
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
 * KEYS: claim, part, leaving (this agent's worker's leavingKey). ARGV: this agent's job id, the
 * prefix of the queue's job keys (BullMQ's `${job.queueQualifiedName}:`; a job's lock is
 * `${prefix}${id}:lock`), ttl (s). -1 when the agent's worker is leaving, 1 when this agent now
 * holds the claim and the part is missing, else 0.
 */
export const CLAIM = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] or redis.call('EXISTS', ARGV[2] .. owner .. ':lock') == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
  return 1
end
return 0`;

/**
 * KEYS: part, done, dups. ARGV: the part's bytes, its signalHeader, ttl (s).
 * 1 when stored (and signalled), 0 when the part was there already (counted in dups).
 */
export const STORE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[3]) then
  redis.call('LPUSH', KEYS[2], ARGV[2] .. ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  return 1
end
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return 0`;

/** Bytes of a signal's header: op t and shard s as u32 LE (t = -1 never has parts). */
export const SIGNAL_HEADER = 8;

/** The header the STORE script puts before a part on `done`. */
export function signalHeader(t: number, shard: number): Buffer {
  const out = Buffer.alloc(SIGNAL_HEADER);
  out.writeUInt32LE(t, 0);
  out.writeUInt32LE(shard, 4);
  return out;
}
