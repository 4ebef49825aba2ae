/**
 * batchKmeans on a real redis-server: shards of whole chunks (d = 2048 gives chunks of 2048
 * rows, so 4500 rows are 3 chunks, the last partial) computed by sandboxed workers and reduced
 * in chunk order give the same labels, centroids, inertia and iterations as hp.kmeans in one
 * process, bit for bit, for 1 or 2 chunks per shard. The data repeat rows, so with init 'first'
 * two starting centres coincide and a cluster empties: the relocation runs across shards too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { batchKmeans, type BatchIterationInfo } from '../../src/batch/kmeans.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { writePoints } from '../batchData.js';
import { redisWithWorker } from '../redis.js';

// A queue of this file's own: the CI's shared Redis may serve other test files at once.
const queue = `batch-kmeans-test-${process.pid}`;
const redis = redisWithWorker(queue);
const skip = redis.skip;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-batch-kmeans-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('batch k-means equals hp.kmeans in one process bit for bit (labels, centroids, inertia, iterations)', { skip }, async () => {
  const n = 4500;
  const d = 2048;
  const k = 8;
  const file = path.join(tmp, 'x.npy');
  const values = writePoints(file, n, d, 3);
  const hp = await createRuntime();
  try {
    const x = hp.tensor(values, [n, d]);
    const expected = hp.kmeans(x, { k, init: 'first', maxIter: 30, tol: 1e-4 });
    const labels = expected.labels.toArray() as Int32Array;
    const centroids = expected.centroids.toArray() as Float32Array;
    for (const shardChunks of [1, 2]) {
      const labelsOut = path.join(tmp, `labels-${shardChunks}.npy`);
      const steps: BatchIterationInfo[] = [];
      const r = await batchKmeans({ redis: redis.url(), queue, file, k, init: 'first', maxIter: 30, tol: 1e-4, shardChunks, labelsOut, onIteration: (info) => steps.push(info) });
      assert.equal(r.shards, shardChunks === 1 ? 3 : 2);
      assert.equal(r.iterations, expected.iterations);
      assert.equal(steps.length, expected.iterations);
      assert.equal(r.converged, expected.converged);
      assert.equal(r.inertia, expected.inertia);
      assert.deepEqual(Array.from(r.centroids), Array.from(centroids));
      const bytes = readFileSync(labelsOut);
      const offset = 10 + bytes.readUInt16LE(8);
      assert.deepEqual(Array.from(new Int32Array(new Uint8Array(bytes.subarray(offset)).buffer)), Array.from(labels));
    }
    // The setting the test means to cover: an empty cluster at the first step (row 6 repeats row 3).
    assert.deepEqual(Array.from(values.subarray(6 * d, 7 * d)), Array.from(values.subarray(3 * d, 4 * d)));
    assert.ok(expected.iterations > 1);
  } finally {
    await hp.close();
  }
});
