/**
 * Faults of a batch run, each on a private redis-server: a worker killed with SIGKILL in the
 * middle of a shard (its shard is taken back after the lock expires and run by another worker,
 * the result is exactly the brute force's: nothing lost or counted twice); Redis restarted in
 * the middle of a run (the run resumes and gives the same result); Redis gone in the middle of
 * a run (the coordinator stops with IO naming Redis instead of hanging).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { batchKnn, type BatchKnnResult } from '../../src/batch/knn.js';
import { redisOptions } from '../../src/batch/connection.js';
import { startWorker } from '../../src/batch/worker.js';
import { isHotpathError } from '../../src/errors.js';
import { bruteKnn, spawnWorker, stopWorker, writePoints } from '../batchData.js';
import { haveRedis, startRedis, type TestRedis } from '../redis.js';

const skip = haveRedis() ? false : 'redis-server is not installed (apt-get install redis-server)';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-batch-faults-'));
let redis: TestRedis | undefined;
const d = 5;
const k = 4;
let expected: { indices: number[]; distances: number[] };
const query = path.join(tmp, 'q.npy');
const database = path.join(tmp, 'db.npy');

before(async () => {
  if (skip !== false) {
    return;
  }
  redis = await startRedis();
  const db = writePoints(database, 1200, d, 21);
  const q = writePoints(query, 15, d, 21);
  expected = bruteKnn(q, db, d, k);
});

after(async () => {
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function assertExact(r: BatchKnnResult): void {
  assert.deepEqual(Array.from(r.indices), expected.indices);
  assert.deepEqual(Array.from(r.distances), expected.distances);
}

/** Resolves once `queue` has an active job. */
async function untilActive(queue: Queue): Promise<void> {
  for (;;) {
    if ((await queue.getActiveCount()) > 0) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a worker killed with SIGKILL mid-shard: another worker retries the shard, the result is exact', { skip }, async () => {
  const url = redis!.url;
  const queue = 'kill';
  // The victim holds each shard for a minute before computing it: it is surely killed mid-shard.
  const victim = await spawnWorker('--redis', url, '--queue', queue, '--hold-ms', '60000', '--lock-ms', '1000', '--stalled-ms', '500', '--name', 'victim');
  const watch = new Queue(queue, { connection: redisOptions(url) });
  try {
    const running = batchKnn({ redis: url, queue, query, database, k, shardRows: 600, pollMs: 100 });
    await untilActive(watch);
    await stopWorker(victim, 'SIGKILL');
    const rescuer = await startWorker({ redis: url, queue, lockDurationMs: 1000, stalledIntervalMs: 300, onError: () => {} });
    try {
      const r = await running;
      assertExact(r);
      assert.equal(r.shards, 2);
    } finally {
      await rescuer.close();
    }
  } finally {
    await stopWorker(victim, 'SIGKILL');
    await watch.close();
  }
});

test('Redis restarted mid-run: the run resumes and the result is exact', { skip }, async () => {
  const url = redis!.url;
  const queue = 'restart';
  const worker = await startWorker({ redis: url, queue, holdMs: 250, onError: () => {} });
  try {
    let restarted: Promise<void> | undefined;
    const r = await batchKnn({
      redis: url,
      queue,
      query,
      database,
      k,
      shardRows: 200,
      pollMs: 100,
      redisTimeoutMs: 20_000,
      onProgress: (done) => {
        if (done === 2) {
          restarted = redis!.restart(400);
        }
      },
    });
    assert.ok(restarted !== undefined, 'Redis was restarted during the run');
    await restarted;
    assertExact(r);
    assert.equal(r.shards, 6);
  } finally {
    await worker.close();
  }
});

test('Redis gone mid-run: the coordinator stops with IO naming Redis instead of hanging', { skip }, async () => {
  const url = redis!.url;
  const queue = 'gone';
  const worker = await startWorker({ redis: url, queue, holdMs: 1000, onError: () => {} });
  const watch = new Queue(queue, { connection: redisOptions(url) });
  watch.on('error', () => {});
  try {
    const running = batchKnn({ redis: url, queue, query, database, k, shardRows: 600, pollMs: 100, redisTimeoutMs: 1500 }).catch((e: unknown) => e);
    await untilActive(watch);
    await redis!.halt();
    const error = await running;
    assert.ok(isHotpathError(error), String(error));
    assert.equal(error.code, 'IO');
    assert.match(error.message, new RegExp(`batch coordinator: Redis at ${url.replace(/[.]/g, '\\.')} did not answer for 1\\.5 s while trying to wait for the shards.*hint: start or restart redis-server`));
  } finally {
    await redis!.restart(0);
    // The held shard finishes once Redis is back; then the worker closes.
    while ((await watch.getActiveCount()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await worker.close();
    await watch.close();
  }
});
