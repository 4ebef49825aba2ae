/**
 * batchKmeans on a real redis-server: shards of whole chunks (d = 2048 gives chunks of 2048
 * rows, so 4500 rows are 3 chunks, the last partial) computed by sandboxed workers and reduced
 * in chunk order give the same labels, centroids, inertia and iterations as hp.kmeans in one
 * process, bit for bit, for 1 or 2 chunks per shard. The data repeat rows, so with init 'first'
 * two starting centres coincide and a cluster empties: the relocation runs across shards too.
 * The sampled inits ('k-means++', 'random') equal hp.kmeans on the file with the same seed and
 * reservoir sample, and the in-memory fit when the sample is the whole data.
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

test("batch k-means with init 'k-means++' or 'random' equals hp.kmeans on the file with the same seed and sample, bit for bit", { skip }, async () => {
  const n = 4500;
  const d = 16;
  const k = 5;
  const file = path.join(tmp, 'sampled.npy');
  writePoints(file, n, d, 11);
  const hp = await createRuntime();
  try {
    // sampleRows 1000 < n: the reservoir replaces rows (draws before the init's); 4500 >= n: the sample is the data.
    for (const [init, seed, sampleRows] of [['k-means++', 3, 1000], ['random', 7, 1000], ['k-means++', 5, 4500]] as const) {
      const expected = await hp.kmeans(file, { k, init, seed, sampleRows, nInit: 1, maxIter: 50, tol: 0 });
      const r = await batchKmeans({ redis: redis.url(), queue, file, k, init, seed, sampleRows, maxIter: 50, tol: 0 });
      const what = `${init}, seed ${seed}, sampleRows ${sampleRows}`;
      assert.equal(r.iterations, expected.iterations, what);
      assert.equal(r.inertia, expected.inertia, what);
      assert.deepEqual(Array.from(r.centroids), Array.from(expected.centroids.toArray() as Float32Array), what);
      expected.centroids.release();
    }
    // With the whole data as the sample, the in-memory fit from the same seed agrees too.
    const x = hp.load(file);
    const memory = hp.kmeans(x, { k, init: 'k-means++', seed: 5, nInit: 1, maxIter: 50, tol: 0 });
    const r = await batchKmeans({ redis: redis.url(), queue, file, k, init: 'k-means++', seed: 5, sampleRows: 4500, maxIter: 50, tol: 0 });
    assert.equal(r.inertia, memory.inertia);
    assert.deepEqual(Array.from(r.centroids), Array.from(memory.centroids.toArray() as Float32Array));
    // Different seeds draw different starts (the seed is used).
    const other = await batchKmeans({ redis: redis.url(), queue, file, k, init: 'k-means++', seed: 6, sampleRows: 4500, maxIter: 1, tol: 0 });
    const same = await batchKmeans({ redis: redis.url(), queue, file, k, init: 'k-means++', seed: 5, sampleRows: 4500, maxIter: 1, tol: 0 });
    assert.notDeepEqual(Array.from(other.centroids), Array.from(same.centroids));
  } finally {
    await hp.close();
  }
});

test('batch k-means: a bad init, seed or sampleRows is ARGUMENT before any job', { skip }, async () => {
  const file = path.join(tmp, 'args.npy');
  writePoints(file, 100, 4, 1);
  for (const [options, pattern] of [
    [{ init: 'kmeans++' as 'random' }, /invalid init.*expected 'first', 'k-means\+\+', 'random' or 12 centroid values.*received kmeans\+\+/],
    [{ init: 'random' as const, seed: -1 }, /invalid seed or sampleRows.*received seed -1, sampleRows 65536/],
    [{ init: 'k-means++' as const, sampleRows: 2 }, /expected seed an integer >= 0, sampleRows an integer >= k = 3, received seed 0, sampleRows 2/],
  ] as const) {
    await assert.rejects(batchKmeans({ redis: redis.url(), queue, file, k: 3, ...options }), (e: Error & { code?: string }) => e.code === 'ARGUMENT' && pattern.test(e.message));
  }
});
