/**
 * The k-means agents' protocol (src/batch/kmeansAgent.ts, kmeansRounds.ts, agentKeys.ts) on a
 * private redis-server, with the agents run in this process so that which agent is alive (its
 * BullMQ lock key) is set by the test: a retried agent resumes the op its first try had claimed;
 * a shard whose agent is dead is taken over by another, and its first agent's late part is not
 * stored; a part stored twice counts once. The
 * parts are checked against column sums computed here with plain float64 loops. Last, end to end:
 * a worker process killed with SIGKILL in the middle of a run, the run finishes on another worker
 * and equals hp.kmeans bit for bit.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { agentId, CLAIM, END_LINGER_S, leavingKey, partBytes, runKeys, storePart, type RunKeys } from '../../src/batch/agentKeys.js';
import { redisOptions } from '../../src/batch/connection.js';
import { batchKmeans } from '../../src/batch/kmeans.js';
import { kmeansAgent, RESCAN_MS, type AgentOutcome } from '../../src/batch/kmeansAgent.js';
import { KmeansRounds } from '../../src/batch/kmeansRounds.js';
import { ChunkCache } from '../../src/batch/kmeansShard.js';
import type { KmeansAgentJob, ShardJob } from '../../src/batch/protocol.js';
import { startWorker } from '../../src/batch/worker.js';
import { isHotpathError } from '../../src/errors.js';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { assertSameFit, columnSums, kmeansWithFault, spawnWorker, stopWorker, TWO_SHARDS, writePoints } from '../batchData.js';
import { haveRedis, startRedis, type TestRedis } from '../redis.js';

const skip = haveRedis() ? false : 'redis-server is not installed (apt-get install redis-server)';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-batch-agents-'));
const { d, n, shards } = TWO_SHARDS;
const file = path.join(tmp, 'x.npy');
let values: Float32Array;
let redis: TestRedis | undefined;
let hp: Runtime | undefined;

before(async () => {
  if (skip !== false) {
    return;
  }
  values = writePoints(file, n, d, 5);
  redis = await startRedis();
  hp = await createRuntime({ threads: 1 });
});

after(async () => {
  await hp?.close();
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * BullMQ's prefix of a queue's job keys, as the agents are given it (the processor passes
 * `${job.queueQualifiedName}:`); not BullMQ's default 'bull:', so that nothing assumes it.
 */
const jobKeys = (queue: string): string => `test-prefix:${queue}:`;

/** The name of the worker running in-process agent `shard` (its leavingKey). */
const workerOf = (shard: number): string => `test-worker-${shard}`;

/** An agent of `rounds`' run in this process, with its own connection; `alive` sets its BullMQ lock. */
function agent(rounds: KmeansRounds, queue: string, shard: number): { done: Promise<AgentOutcome>; redis: Redis; alive(): Promise<void> } {
  const connection = new Redis(redisOptions(redis!.url));
  const id = agentId(rounds.run, shard);
  const job: ShardJob & KmeansAgentJob = { kind: 'kmeansAgent', file, shards, run: rounds.run, iteration: 0, shard };
  return {
    done: kmeansAgent({ hp: hp!, redis: connection, queue, cache: new ChunkCache(2 ** 26), jobKeys: jobKeys(queue), worker: workerOf(shard) }, job, id).finally(() => connection.disconnect()),
    redis: connection,
    alive: async () => {
      await connection.set(`${jobKeys(queue)}${id}:lock`, 'test', 'PX', 60_000);
    },
  };
}

/** Stores a part as agent `id` would (storePart); STORE's reply. */
async function store(control: Redis, keys: RunKeys, t: number, s: number, id: string, part: Buffer): Promise<unknown> {
  const replies = await storePart(control.multi(), keys, t, s, id, part).exec();
  assert.equal(replies?.length, 3);
  return replies[2]![1];
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a retried agent resumes the op its first try had claimed; a live agent\'s claim is left alone', { skip, timeout: 120_000 }, async () => {
  const queue = 'resume';
  const rounds = await KmeansRounds.open({ redis: redis!.url, queue, pollMs: 50 }, file, shards);
  const keys = runKeys(queue, rounds.run);
  const control = new Redis(redisOptions(redis!.url));
  try {
    // Agent 0's first try claimed shard 0 of op 0 and died; its retry (same job id) holds the lock again.
    await control.set(keys.claim(0, 0), agentId(rounds.run, 0));
    await control.set(`${jobKeys(queue)}${agentId(rounds.run, 0)}:lock`, 'retry', 'PX', 60_000);
    const round = rounds.round({ op: 'stats' });
    const other = agent(rounds, queue, 1);
    await other.alive();
    await until(async () => (await control.exists(keys.part(0, 1))) === 1);
    // Two rescans of agent 1 later, shard 0 is still agent 0's.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await control.exists(keys.part(0, 0)), 0);
    const retried = agent(rounds, queue, 0);
    await retried.alive();
    const outcome = await round;
    assert.deepEqual(outcome.failed, []);
    const sums = outcome.results.map((r) => Array.from((r as { sums: Float64Array[] }).sums[0]!));
    assert.deepEqual(sums, [columnSums(values, d, 0, 2048), columnSums(values, d, 2048, 300)]);
    await rounds.close();
    assert.deepEqual(await other.done, { ops: 3, parts: 1, left: false });
    assert.deepEqual(await retried.done, { ops: 3, parts: 1, left: false });
    // close() removed the run's keys, but for the op stream, which ends in 'end' and expires soon.
    assert.deepEqual(await control.keys(`hotpath:${queue}:${rounds.run}:*`), [keys.ops]);
    const ttl = await control.ttl(keys.ops);
    assert.ok(ttl > 0 && ttl <= END_LINGER_S, `ttl ${ttl}`);
    // An agent of the run that starts now (a job picked up as the run closed) reads the stream
    // to its 'end' and ends: ops counts begin, the round and end.
    assert.deepEqual(await agent(rounds, queue, 1).done, { ops: 3, parts: 0, left: false });
    await control.del(keys.ops);
    // With the stream gone, an agent ends before reading anything.
    assert.deepEqual(await agent(rounds, queue, 1).done, { ops: 0, parts: 0, left: false });
  } finally {
    control.disconnect();
  }
});

test("a dead agent's shard is taken over by another, and a part stored twice counts once", { skip, timeout: 120_000 }, async () => {
  const queue = 'takeover';
  const rounds = await KmeansRounds.open({ redis: redis!.url, queue, pollMs: 50 }, file, shards);
  const keys = runKeys(queue, rounds.run);
  const control = new Redis(redisOptions(redis!.url));
  try {
    // Agent 0 claimed shard 0 and its worker died: no lock.
    await control.set(keys.claim(0, 0), agentId(rounds.run, 0));
    const round = rounds.round({ op: 'stats' });
    const only = agent(rounds, queue, 1);
    await only.alive();
    const outcome = await round;
    const sums = outcome.results.map((r) => Array.from((r as { sums: Float64Array[] }).sums[0]!));
    assert.deepEqual(sums, [columnSums(values, d, 0, 2048), columnSums(values, d, 2048, 300)]);
    // The first owner finishes after all: its claim was taken over, so its part is not stored, nor counted.
    const late = partBytes(0, 0, { sums: [new Float64Array(d).fill(7)], ms: 1 });
    assert.equal(await store(control, keys, 0, 0, agentId(rounds.run, 0), late), -2);
    assert.equal(await rounds.duplicates(), 0);
    // The claim's holder stores it a second time (its job run twice): not stored, only counted.
    assert.equal(await store(control, keys, 0, 0, agentId(rounds.run, 1), late), 0);
    assert.equal(await rounds.duplicates(), 1);
    const stored = await control.lindexBuffer(keys.part(0, 0), 0);
    assert.notDeepEqual(stored, late);
    await rounds.close();
    assert.deepEqual(await only.done, { ops: 3, parts: 2, left: false });
  } finally {
    control.disconnect();
  }
});

test("an agent computes its own shard before its claim's reply, and stores it only if the claim was granted", { skip, timeout: 120_000 }, async () => {
  const queue = 'speculate';
  const rounds = await KmeansRounds.open({ redis: redis!.url, queue, pollMs: 50 }, file, shards);
  const keys = runKeys(queue, rounds.run);
  const control = new Redis(redisOptions(redis!.url));
  let own: ReturnType<typeof agent> | undefined;
  try {
    // Another agent, alive (its lock is there), holds shard 0 of op 0, agent 0's own shard.
    await control.set(keys.claim(0, 0), 'intruder');
    await control.set(`${jobKeys(queue)}intruder:lock`, 'test', 'PX', 60_000);
    const round = rounds.round({ op: 'stats' });
    own = agent(rounds, queue, 0);
    await own.alive();
    // Agent 0 computed shard 0 (its claim was refused) and then claimed and stored the free shard 1.
    await until(async () => (await control.exists(keys.part(0, 1))) === 1);
    assert.equal(await control.exists(keys.part(0, 0)), 0);
    // The holder stores its part: the first one, so it counts (agent 0 stored nothing for shard 0).
    const holders = partBytes(0, 0, { sums: [new Float64Array(d).fill(7)], ms: 1 });
    assert.equal(await store(control, keys, 0, 0, 'intruder', holders), 1);
    const outcome = await round;
    const sums = outcome.results.map((r) => Array.from((r as { sums: Float64Array[] }).sums[0]!));
    assert.deepEqual(sums, [new Array(d).fill(7), columnSums(values, d, 2048, 300)]);
    assert.equal(await rounds.duplicates(), 0);
  } finally {
    // Closed here also when an assertion fails, so that the agent ends.
    await rounds.close();
    control.disconnect();
  }
  assert.deepEqual(await own!.done, { ops: 3, parts: 1, left: false });
});

test('a shard of an op that is over cannot be claimed again, though its keys are gone', { skip, timeout: 120_000 }, async () => {
  const queue = 'over';
  const rounds = await KmeansRounds.open({ redis: redis!.url, queue, pollMs: 50 }, file, shards);
  const keys = runKeys(queue, rounds.run);
  const control = new Redis(redisOptions(redis!.url));
  const claim = (t: number, s: number, id: string): Promise<unknown> => control.eval(CLAIM, 4, keys.claim(t, s), keys.part(t, s), leavingKey(queue, 'nobody'), keys.current, id, jobKeys(queue), 60, t);
  try {
    const worker = agent(rounds, queue, 0);
    await worker.alive();
    assert.deepEqual((await rounds.round({ op: 'stats' })).failed, []);
    assert.deepEqual((await rounds.round({ op: 'stats' })).failed, []);
    // Publishing op 1 removed op 0's keys: a late agent of op 0 finds its shard free but is refused.
    assert.equal(await control.exists(keys.part(0, 1), keys.claim(0, 1)), 0);
    assert.equal(await claim(0, 1, 'late'), 0);
    assert.equal(await control.exists(keys.claim(0, 1)), 0);
    // Op 1 is current: its shards are stored, so refused too; a shard without a part is granted.
    assert.equal(await claim(1, 1, 'late'), 0);
    await control.del(keys.part(1, 1), keys.claim(1, 1));
    assert.equal(await claim(1, 1, 'late'), 1);
  } finally {
    await rounds.close();
    control.disconnect();
  }
});

test('an agent whose worker is leaving ends, and the other agent computes its shard from the next op on', { skip, timeout: 120_000 }, async () => {
  const queue = 'leave';
  const rounds = await KmeansRounds.open({ redis: redis!.url, queue, pollMs: 50 }, file, shards);
  const control = new Redis(redisOptions(redis!.url));
  try {
    const leaver = agent(rounds, queue, 0);
    const stayer = agent(rounds, queue, 1);
    await Promise.all([leaver.alive(), stayer.alive()]);
    const first = await rounds.round({ op: 'stats' });
    assert.deepEqual(first.failed, []);
    // Its worker shuts down between two ops: the idle agent sees it within a rescan and ends.
    await control.set(leavingKey(queue, workerOf(0)), '1', 'EX', 60);
    const left = await leaver.done;
    assert.equal(left.left, true);
    const before = await control.xlen(runKeys(queue, rounds.run).ops);
    const second = await rounds.round({ op: 'stats' });
    assert.deepEqual(second.failed, []);
    const sums = second.results.map((r) => Array.from((r as { sums: Float64Array[] }).sums[0]!));
    assert.deepEqual(sums, [columnSums(values, d, 0, 2048), columnSums(values, d, 2048, 300)]);
    await rounds.close();
    const stayed = await stayer.done;
    assert.equal(stayed.left, false);
    // The stayer saw every op (begin, two rounds, end) and stored both parts of the second.
    assert.equal(stayed.ops, before + 2);
    assert.equal(stayed.parts + left.parts, 4);
  } finally {
    control.disconnect();
  }
});

test("agents stop when their coordinator's heartbeat expires (a coordinator killed mid-run)", { skip, timeout: 120_000 }, async () => {
  const queue = 'orphans';
  const rounds = await KmeansRounds.open({ redis: redis!.url, queue, pollMs: 50 }, file, shards);
  const control = new Redis(redisOptions(redis!.url));
  try {
    const waiting = agent(rounds, queue, 0);
    await waiting.alive();
    // Past a rescan (RESCAN_MS) the agent still waits for ops.
    const early = await Promise.race([waiting.done, new Promise((resolve) => setTimeout(() => resolve('waiting'), 2 * RESCAN_MS))]);
    assert.equal(early, 'waiting');
    // As if the coordinator died between two rounds: its heartbeat key expires.
    await control.del(runKeys(queue, rounds.run).alive);
    assert.deepEqual(await waiting.done, { ops: 1, parts: 0, left: false });
  } finally {
    await rounds.close();
    control.disconnect();
  }
});

test('a worker killed with SIGKILL mid-run: the other worker finishes, the result equals hp.kmeans bit for bit', { skip, timeout: 120_000 }, async () => {
  const queue = 'agents-kill';
  const url = redis!.url;
  const k = 6;
  const expected = hp!.kmeans(hp!.tensor(values, [n, d]), { k, init: 'first', maxIter: 40, tol: 0 });
  const victim = await spawnWorker('--redis', url, '--queue', queue, '--lock-ms', '1000', '--stalled-ms', '300', '--name', 'victim');
  let rescuer: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    const labelsOut = path.join(tmp, 'labels.npy');
    let killed: Promise<void> | undefined;
    const r = await kmeansWithFault({ redis: url, queue, file, k, labelsOut }, () => {
      // The victim computed every shard so far (one worker); the rescuer starts after it died.
      killed = stopWorker(victim, 'SIGKILL').then(async () => {
        rescuer = await startWorker({ redis: url, queue, lockDurationMs: 1000, stalledIntervalMs: 300, concurrency: 2, onError: () => {} });
      });
    });
    await killed;
    assertSameFit(r, expected);
    const bytes = readFileSync(labelsOut);
    const labels = new Int32Array(new Uint8Array(bytes.subarray(10 + bytes.readUInt16LE(8))).buffer);
    assert.deepEqual(Array.from(labels), Array.from(expected.labels.toArray() as Int32Array));
  } finally {
    await stopWorker(victim, 'SIGKILL');
    await rescuer?.close();
  }
});

test('k-means on a file cut short: FORMAT naming the file and offsets after the retries', { skip, timeout: 120_000 }, async () => {
  const queue = 'agents-cut';
  const cut = path.join(tmp, 'cut.npy');
  writePoints(cut, n, d, 5);
  const header = 128;
  truncateSync(cut, header + (n - 10) * d * 4);
  const worker = await startWorker({ redis: redis!.url, queue, onError: () => {} });
  try {
    const error = await batchKmeans({ redis: redis!.url, queue, file: cut, k: 4, maxIter: 5, attempts: 2, backoffMs: 0, pollMs: 50 }).catch((e: unknown) => e);
    assert.ok(isHotpathError(error), String(error));
    assert.equal(error.code, 'FORMAT');
    assert.match(error.message, /1 of 2 shards failed after their retries/);
    assert.match(error.message, new RegExp(`shard 1 \\(rows 2048\\.\\.2347 of '.*cut\\.npy'\\): \\[FORMAT\\] .*ends at byte offset ${header + (n - 10) * d * 4}, inside rows 2048\\.\\.2347`));
  } finally {
    await worker.close();
  }
});

for (const keepData of [true, false]) {
  const how = keepData ? 'with its data' : 'without its data (no persistence: it comes back empty)';
  test(`Redis restarted ${how} in the middle of a k-means run: the agents and the coordinator carry on, the result equals hp.kmeans`, { skip, timeout: 120_000 }, async () => {
    const queue = keepData ? 'agents-restart' : 'agents-restart-empty';
    const k = 6;
    const expected = hp!.kmeans(hp!.tensor(values, [n, d]), { k, init: 'first', maxIter: 40, tol: 0 });
    const worker = await startWorker({ redis: redis!.url, queue, concurrency: 2, onError: () => {} });
    try {
      let restarted: Promise<void> | undefined;
      const r = await kmeansWithFault({ redis: redis!.url, queue, file, k, redisTimeoutMs: 20_000 }, () => {
        // The stop is sent before the next round is published (between two rounds).
        restarted = redis!.restart(keepData ? 300 : 100, { keepData });
      });
      await restarted;
      assertSameFit(r, expected);
    } finally {
      await worker.close();
    }
  });
}
