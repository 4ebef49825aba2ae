/**
 * A batch worker forks its sandboxed children when it starts (worker.ts warmChildren), not at
 * its first jobs, so no run waits for a child's start: right after startWorker resolves the
 * worker process has `concurrency` children, and a job runs in one of them (no new fork).
 * Children are found in /proc (Linux only) as this process's children running BullMQ's main.js.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { batchKnn } from '../../src/batch/knn.js';
import { startWorker } from '../../src/batch/worker.js';
import { writePoints } from '../batchData.js';
import { haveRedis, startRedis } from '../redis.js';

const skip = !haveRedis() ? 'redis-server is not installed (apt-get install redis-server)' : !existsSync('/proc/self/stat') ? 'no /proc (children are listed from it)' : false;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-batch-warm-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Pids of this process's children that run BullMQ's child main. */
function sandboxChildren(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      // stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('bullmq')) {
        out.push(Number(entry));
      }
    } catch {
      // The process ended while listed.
    }
  }
  return out.sort((a, b) => a - b);
}

test('a worker forks its children before its first job, and the job runs in one of them', { skip, timeout: 120_000 }, async () => {
  const redis = await startRedis();
  const queue = `batch-warm-test-${process.pid}`;
  const before = sandboxChildren();
  const worker = await startWorker({ redis: redis.url, queue, concurrency: 2, onError: () => {} });
  try {
    const warm = sandboxChildren().filter((pid) => !before.includes(pid));
    assert.equal(warm.length, 2);
    const db = path.join(tmp, 'db.npy');
    writePoints(db, 300, 4, 1);
    const r = await batchKnn({ redis: redis.url, queue, query: db, database: db, k: 1, shardRows: 100 });
    assert.equal(r.shards, 3);
    assert.deepEqual(sandboxChildren().filter((pid) => !before.includes(pid)), warm);
  } finally {
    await worker.close();
    await redis.stop();
  }
});
