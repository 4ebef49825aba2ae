/**
 * A k-means batch run when Redis loses the run, a worker leaves, or the agents die for good, each
 * on a private redis-server:
 * - Redis restarted without its data while the coordinator waits for a round: the coordinator
 *   publishes the round again and adds the lost agents again; the parts equal plain float64 column
 *   sums computed here.
 *   (Between two rounds of a whole run: test/unit/batchAgents.test.ts.)
 * - A worker process sent SIGTERM mid-run: it exits without waiting for the run's end (the
 *   coordinator is held until it has), the other worker finishes, the result equals hp.kmeans.
 * - Every agent's child process killed on every try (as the OOM killer would): the coordinator
 *   stops with the agents' error instead of waiting forever.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { runKeys } from '../../src/batch/agentKeys.js';
import { redisOptions } from '../../src/batch/connection.js';
import { batchKmeans } from '../../src/batch/kmeans.js';
import { KmeansRounds } from '../../src/batch/kmeansRounds.js';
import { startWorker, type BatchWorker } from '../../src/batch/worker.js';
import { isHotpathError } from '../../src/errors.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { assertSameFit, columnSums, kmeansWithFault, spawnWorker, stopWorker, TWO_SHARDS, writePoints } from '../batchData.js';
import { haveRedis, startRedis, type TestRedis } from '../redis.js';

const skip = haveRedis() ? false : 'redis-server is not installed (apt-get install redis-server)';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-batch-lost-'));
const { d, n, shards } = TWO_SHARDS;
const file = path.join(tmp, 'x.npy');
let values: Float32Array;

before(async () => {
  if (skip !== false) {
    return;
  }
  values = writePoints(file, n, d, 9);
});

after(async () => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A private server for one test, stopped (and its data dir removed) after it. */
async function withRedis(body: (redis: TestRedis) => Promise<void>): Promise<void> {
  const redis = await startRedis();
  try {
    await body(redis);
  } finally {
    await redis.stop();
  }
}

test('Redis restarted without its data while the coordinator waits: the round is published again and its parts are exact', { skip, timeout: 120_000 }, async () => {
  await withRedis(async (redis) => {
    const queue = 'lost-round';
    const rounds = await KmeansRounds.open({ redis: redis.url, queue, pollMs: 50, redisTimeoutMs: 20_000 }, file, shards);
    let worker: BatchWorker | undefined;
    try {
      // No worker yet: the round waits with its op on the stream, then Redis loses everything.
      const round = rounds.round({ op: 'stats' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await redis.restart(100, { keepData: false });
      const control = new Redis(redisOptions(redis.url));
      try {
        // The coordinator notices within a poll or two: the stream is back, holding the round's op.
        for (let i = 0; i < 200 && (await control.exists(runKeys(queue, rounds.run).ops)) === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        assert.equal(await control.xlen(runKeys(queue, rounds.run).ops), 1);
      } finally {
        control.disconnect();
      }
      worker = await startWorker({ redis: redis.url, queue, concurrency: 2, onError: () => {} });
      const outcome = await round;
      assert.deepEqual(outcome.failed, []);
      const sums = outcome.results.map((r) => Array.from((r as { sums: Float64Array[] }).sums[0]!));
      assert.deepEqual(sums, [columnSums(values, d, 0, 2048), columnSums(values, d, 2048, 300)]);
      assert.equal(rounds.redisLosses, 1);
    } finally {
      await rounds.close();
      await worker?.close();
    }
  });
});

test('a worker sent SIGTERM mid-run exits without waiting for the run, and the run ends on the other worker with hp.kmeans\' bits', { skip, timeout: 120_000 }, async (t) => {
  await withRedis(async (redis) => {
    const queue = 'leave-run';
    const k = 6;
    const hp = await createRuntime({ threads: 1 });
    const expected = hp.kmeans(hp.tensor(values, [n, d]), { k, init: 'first', maxIter: 40, tol: 0 });
    await hp.close();
    const leaver = await spawnWorker('--redis', redis.url, '--queue', queue, '--name', 'leaver');
    const stayer = await startWorker({ redis: redis.url, queue, onError: () => {} });
    try {
      let exit: number | undefined;
      const r = await kmeansWithFault({ redis: redis.url, queue, file, k }, () => {
        leaver.kill('SIGTERM');
        // The coordinator publishes nothing until the leaver is gone: an agent that waited for
        // the run's end would keep it alive past the 6 s (and fail the run). 6 s is under the
        // coordinator's heartbeat (10 s), after which every agent would stop as orphaned.
        const pid = leaver.pid!;
        const started = performance.now();
        execFileSync('sh', ['-c', `while [ -e /proc/${pid} ] && ! grep -q '^State:.*Z' /proc/${pid}/status; do sleep 0.05; done`], { timeout: 6000 });
        exit = performance.now() - started;
      });
      assert.ok(exit !== undefined, 'the leaver exited while the run was held');
      t.diagnostic(`the leaver exited ${exit.toFixed(0)} ms after SIGTERM`);
      assertSameFit(r, expected);
      const code = leaver.exitCode ?? (await new Promise<number | null>((resolve) => leaver.once('exit', (c) => resolve(c))));
      assert.equal(code, 0, 'the leaver shut down cleanly');
    } finally {
      await stopWorker(leaver, 'SIGKILL');
      await stayer.close();
    }
  });
});

/**
 * Pids of this process's children that are the worker's sandboxes (BullMQ's child entry, which
 * loads processor.ts) and have run for 8 s or more: well past start-up (1-2 s, more on a loaded
 * machine), inside the job's 60 s hold. (A child killed while BullMQ 6.7 is still starting it is
 * never reported: Child.init's exit handler removes the listener that would fail the start, so
 * its job stays active.)
 */
function processorChildren(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,etimes=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, seconds, ...args]) => Number(seconds) >= 8 && /bullmq[/\\]dist[/\\].*main\.js/.test(args.join(' ')))
    .map(([pid]) => Number(pid));
}

test('every agent killed on every try: the coordinator stops with their error instead of waiting', { skip, timeout: 120_000 }, async () => {
  await withRedis(async (redis) => {
    const queue = 'lost-agents';
    // Each child holds its job before it starts, so it is surely killed mid-job.
    const worker = await startWorker({ redis: redis.url, queue, concurrency: 2, holdMs: 60_000, onError: () => {} });
    let running = true;
    const killer = (async () => {
      while (running) {
        for (const pid of processorChildren()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Gone already.
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    try {
      const error = await batchKmeans({ redis: redis.url, queue, file, k: 4, maxIter: 5, attempts: 2, backoffMs: 0, pollMs: 50 }).catch((e: unknown) => e);
      assert.ok(isHotpathError(error), String(error));
      assert.equal(error.code, 'BACKEND');
      assert.match(error.message, /batch kmeans: every k-means agent failed after its retries: Unexpected exit code: null signal: SIGKILL/);
    } finally {
      running = false;
      await killer;
      await worker.close();
    }
  });
});
