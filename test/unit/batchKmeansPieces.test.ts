/**
 * Batch k-means shards that cut a chunk at a block boundary (src/batch/kmeansPieces.ts): the
 * head piece's sums plus the later pieces' per-block sums, folded in block order, are the lloyd
 * kernel's sums over the whole chunk bit for bit; end to end on a real redis-server, equal shards
 * (2 and 3, cutting chunks; d = 512 gives chunks of 8192 rows, 4 blocks of 2048) give the same
 * labels, centroids, inertia and iterations as hp.kmeans in one process, with tol > 0 (moments),
 * an empty cluster relocated (row 6 repeats row 3 and init is 'first') and labels written. The
 * points span 40 binary orders of magnitude so that a wrong order of additions changes bits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { batchKmeans } from '../../src/batch/kmeans.js';
import { balancedShards, foldStep, piecesOf, type StepPiece } from '../../src/batch/kmeansPieces.js';
import { ChunkCache, kmeansShard } from '../../src/batch/kmeansShard.js';
import { isHotpathError } from '../../src/errors.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { writePoints } from '../batchData.js';
import { redisWithWorker } from '../redis.js';

const queue = `batch-kmeans-pieces-test-${process.pid}`;
const redis = redisWithWorker(queue);
const skip = redis.skip;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-batch-pieces-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Points over 40 binary orders of magnitude, so that float64 sums round and their order shows in
 * the bits (points on a coarse grid would sum exactly in any order); row 6 repeats row 3, so with
 * init 'first' a cluster empties.
 */
function writeWide(file: string, rows: number, d: number, seed: number): Float32Array {
  return writePoints(file, rows, d, seed, (next) => (next() * 2 - 1) * 2 ** Math.floor(next() * 40 - 20));
}

test('pieces and balanced shards: block boundaries, heads where a chunk starts', () => {
  // d = 32: chunks of 131072 rows.
  assert.deepEqual(piecesOf(126976, 10000, 32), [
    { chunk: 0, start: 126976, rows: 4096, head: false },
    { chunk: 1, start: 131072, rows: 5904, head: true },
  ]);
  // 489 blocks (488 of 2048 rows and one of 576), chunks of 64 blocks; a later piece's block
  // costs 1.3. Equal rows would cut at block 244: shard 1 then holds 12 blocks of chunk 3's later
  // piece, costing 244.28 + 0.3 * 12 = 247.88 against 244. At block 246: 246 against 242.28 +
  // 0.3 * 10 = 245.28 (245: 245 against 246.58; 247: 247 against 243.98).
  assert.deepEqual(balancedShards(1_000_000, 2, 32), [
    { start: 0, count: 503808 },
    { start: 503808, count: 496192 },
  ]);
  // Four: blocks 0-123 (124), 124-246 (123 + 0.3 * 4 of chunk 1), 247-368 (122 + 0.3 * 9 of
  // chunk 3), 369-488 (119.28 + 0.3 * 15 of chunk 5): 124, 124.2, 124.7, 123.78.
  assert.deepEqual(balancedShards(1_000_000, 4, 32), [
    { start: 0, count: 253952 },
    { start: 253952, count: 251904 },
    { start: 505856, count: 249856 },
    { start: 755712, count: 244288 },
  ]);
  // As many shards as blocks: one block each (equal rows would round two cuts to one block).
  assert.deepEqual(balancedShards(17 * 2048 + 100, 18, 8).map((s) => s.count), [...new Array(17).fill(2048), 100]);
  // More shards than blocks: one block each.
  assert.deepEqual(balancedShards(3000, 4, 32), [
    { start: 0, count: 2048 },
    { start: 2048, count: 952 },
  ]);
});

test('a chunk cut into three shards: folded parts equal the lloyd kernel over the whole chunk, bit for bit', async () => {
  const n = 9000; // one chunk of d = 32 (131072 rows): blocks 0-3 of 2048 rows and one of 808
  const d = 32;
  const k = 5;
  const file = path.join(tmp, 'one-chunk.npy');
  const values = writeWide(file, n, d, 11);
  const hp = await createRuntime({ threads: 1 });
  try {
    const mean = new Float64Array(d); // uncentred: the data as they are
    const centers = Float64Array.from(values.subarray(0, k * d));
    const whole = hp.scope(() => {
      const [labels, sums, counts] = hp.run('lloyd', [hp.tensor(values, [n, d]), hp.tensor(Float32Array.from(centers), [k, d])]);
      return { labels: labels!.toArray() as Int32Array, sums: sums!.toArray() as Float64Array, counts: counts!.toArray() as Float64Array };
    });
    const cache = new ChunkCache(2 ** 26);
    const parts: StepPiece[] = [];
    for (const [start, count] of [[0, 2048], [2048, 4096], [6144, 2856]] as const) {
      parts.push(...(kmeansShard(hp, { op: 'step', file, start, count, mean, centers, k }, cache) as { parts: StepPiece[] }).parts);
    }
    assert.deepEqual(parts.map((p) => [p.head, p.blocks.length]), [[true, 1], [false, 2], [false, 2]]);
    const folded = foldStep(parts, k, d);
    assert.deepEqual(Array.from(folded.sums), Array.from(whole.sums));
    assert.deepEqual(Array.from(folded.counts), Array.from(whole.counts));
    // The kernel's definition as a plain float64 loop: blocks of 2048 rows summed from zero, added in order.
    const blockSums: Float64Array[] = [];
    for (let b = 0; b < n; b += 2048) {
      const block = new Float64Array(k * d);
      for (let i = b; i < Math.min(n, b + 2048); i++) {
        for (let p = 0; p < d; p++) {
          block[whole.labels[i]! * d + p] = block[whole.labels[i]! * d + p]! + values[i * d + p]!;
        }
      }
      blockSums.push(block);
    }
    const fold = (groups: number[][]): number[] => {
      const total = new Float64Array(k * d);
      for (const group of groups) {
        const part = new Float64Array(k * d);
        for (const b of group) {
          part.forEach((v, e) => (part[e] = v + blockSums[b]![e]!));
        }
        total.forEach((v, e) => (total[e] = v + part[e]!));
      }
      return Array.from(total);
    };
    assert.deepEqual(Array.from(folded.sums), fold([[0, 1, 2, 3, 4]]));
    // The data make the order show: adding each shard's own total instead gives other bits.
    assert.notDeepEqual(fold([[0], [1, 2], [3, 4]]), fold([[0, 1, 2, 3, 4]]));
    // Out of order (a later piece before its head): FORMAT, not wrong sums.
    assert.throws(() => foldStep([parts[1]!, parts[0]!, parts[2]!], k, d), (e: unknown) => isHotpathError(e) && e.code === 'FORMAT');
    // A shard off the block grid: ARGUMENT.
    assert.throws(() => kmeansShard(hp, { op: 'step', file, start: 100, count: 2000, mean, centers, k }, cache), (e: unknown) => isHotpathError(e) && e.code === 'ARGUMENT');
  } finally {
    await hp.close();
  }
});

test('batch k-means on equal shards that cut chunks equals hp.kmeans bit for bit', { skip, timeout: 180_000 }, async () => {
  const n = 8192 + 5000; // d = 512: chunk 0 (4 blocks) and chunk 1 (5000 rows)
  const d = 512;
  const k = 8;
  const file = path.join(tmp, 'x.npy');
  const values = writeWide(file, n, d, 5);
  const hp = await createRuntime();
  try {
    const expected = hp.kmeans(hp.tensor(values, [n, d]), { k, init: 'first', maxIter: 30, tol: 1e-4 });
    const labels = Array.from(expected.labels.toArray() as Int32Array);
    const centroids = Array.from(expected.centroids.toArray() as Float32Array);
    // 2 shards: [0, 6144) = chunk 0's head, [6144, 13192) = its last block and chunk 1.
    // 3 shards: [0, 4096) head, [4096, 8192) chunk 0's blocks 2-3, [8192, 13192) chunk 1.
    for (const shards of [2, 3]) {
      const labelsOut = path.join(tmp, `labels-${shards}.npy`);
      let relocated = 0;
      const r = await batchKmeans({ redis: redis.url(), queue, file, k, init: 'first', maxIter: 30, tol: 1e-4, shards, labelsOut, onIteration: (i) => (relocated += i.relocated) });
      assert.equal(r.shards, shards);
      assert.equal(r.iterations, expected.iterations);
      assert.equal(r.converged, expected.converged);
      assert.equal(r.inertia, expected.inertia);
      assert.deepEqual(Array.from(r.centroids), centroids);
      assert.ok(relocated > 0, 'the run meant to relocate an empty cluster did not');
      const bytes = readFileSync(labelsOut);
      assert.deepEqual(Array.from(new Int32Array(new Uint8Array(bytes.subarray(10 + bytes.readUInt16LE(8))).buffer)), labels);
    }
    await assert.rejects(batchKmeans({ redis: redis.url(), queue, file, k, shards: 2, shardChunks: 1 }), (e: unknown) => isHotpathError(e) && e.code === 'ARGUMENT');
  } finally {
    await hp.close();
  }
});

test('more shards than the coordinator waits on at once (18 > 16), all in one chunk: hp.kmeans bit for bit', { skip, timeout: 180_000 }, async () => {
  const n = 17 * 2048 + 100; // d = 8: one chunk of 18 blocks; every shard but the first is a later piece
  const d = 8;
  const k = 6;
  const file = path.join(tmp, 'many.npy');
  const values = writeWide(file, n, d, 9);
  const hp = await createRuntime();
  try {
    const expected = hp.kmeans(hp.tensor(values, [n, d]), { k, init: 'first', maxIter: 12, tol: 0 });
    const r = await batchKmeans({ redis: redis.url(), queue, file, k, init: 'first', maxIter: 12, tol: 0, shards: 18 });
    assert.equal(r.shards, 18);
    assert.equal(r.iterations, expected.iterations);
    assert.equal(r.inertia, expected.inertia);
    assert.deepEqual(Array.from(r.centroids), Array.from(expected.centroids.toArray() as Float32Array));
  } finally {
    await hp.close();
  }
});
