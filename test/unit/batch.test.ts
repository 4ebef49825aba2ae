/**
 * hotpath batch on a real redis-server (HOTPATH_REDIS_URL from .ci/run, or a private one):
 * knn over database shards equals a brute-force float64 loop exactly (ties by lower index);
 * features of several files equal `hotpath features --out` of each, byte for byte; a corrupt
 * file fails its shard with FORMAT naming the file and byte offset after the retries while
 * the other shards finish; the CLI's status and coordinator commands.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { batchFeatures } from '../../src/batch/features.js';
import { batchKnn, merge } from '../../src/batch/knn.js';
import { packF64 } from '../../src/batch/protocol.js';
import { isHotpathError } from '../../src/errors.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { bruteKnn, hotpathAsync, writePoints } from '../batchData.js';
import { redisWithWorker } from '../redis.js';

// A queue of this file's own: the CI's shared Redis may serve other test files at once.
const queue = `batch-test-${process.pid}`;
const redis = redisWithWorker(queue);
const skip = redis.skip;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-batch-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const SIGNALS = path.resolve('test/fixtures/streaming/signals');

test('knn over 5 database shards equals the brute-force float64 neighbours, ties by lower index', { skip }, async () => {
  const d = 6;
  const db = writePoints(path.join(tmp, 'db.npy'), 3000, d, 11);
  // Query rows include copies of database rows (distance 0) and their duplicates (ties).
  const query = writePoints(path.join(tmp, 'q.npy'), 25, d, 11);
  const k = 7;
  const done: number[] = [];
  const r = await batchKnn({ redis: redis.url(), queue, query: path.join(tmp, 'q.npy'), database: path.join(tmp, 'db.npy'), k, shardRows: 700, indicesOut: path.join(tmp, 'idx.npy'), distancesOut: path.join(tmp, 'dist.npy'), onProgress: (n) => done.push(n) });
  const expected = bruteKnn(query, db, d, k);
  assert.equal(r.shards, 5);
  assert.deepEqual(done, [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(r.indices), expected.indices);
  assert.deepEqual(Array.from(r.distances), expected.distances);
  assert.ok(expected.distances.includes(0) && new Set(expected.distances).size < expected.distances.length, 'the data has exact matches and ties');
  // The files hold the same: int64 indices, float64 distances, [25, 7].
  const idx = readFileSync(path.join(tmp, 'idx.npy'));
  assert.match(idx.subarray(10, 10 + idx.readUInt16LE(8)).toString('latin1'), /'descr': '<i8', 'fortran_order': False, 'shape': \(25, 7\)/);
  const values = new BigInt64Array(new Uint8Array(idx.subarray(10 + idx.readUInt16LE(8))).buffer);
  assert.deepEqual(Array.from(values, Number), expected.indices);
  const dist = readFileSync(path.join(tmp, 'dist.npy'));
  assert.deepEqual(Array.from(new Float64Array(new Uint8Array(dist.subarray(10 + dist.readUInt16LE(8))).buffer)), expected.distances);
});

test('merge: smaller distance first, the lower index among equal ones, NaN last, whatever the shard order', () => {
  const a = { rows: 1, k: 3, indices: packF64([7, 2, 9]), distances: packF64([1, 2, NaN]) };
  const b = { rows: 1, k: 2, indices: packF64([1, 4]), distances: packF64([2, 2]) };
  for (const parts of [[a, b], [b, a]]) {
    const m = merge(parts, 1, 5);
    assert.deepEqual(Array.from(m.indices), [7, 1, 2, 4, 9]);
    assert.deepEqual(Array.from(m.distances), [1, 2, 2, 2, NaN]);
  }
});

test('features of several files equal `hotpath features --out` of each, byte for byte', { skip }, async () => {
  // One job per input rate: a 16 kHz .npy with kaldi-fbank, a 22050 Hz WAV (resampled) with whisper-80.
  const outDir = path.join(tmp, 'features');
  const npy = path.join(SIGNALS, 'enus_s3cut_16000.npy');
  const wav = path.join(SIGNALS, 'espeak_enus_s1.wav');
  const fbank = await batchFeatures({ redis: redis.url(), queue, files: [npy], preset: 'kaldi-fbank', rate: 16000, outDir });
  const resampled = await batchFeatures({ redis: redis.url(), queue, files: [wav], preset: 'whisper-80', outDir });
  assert.deepEqual([fbank.outputs[0]!.out, resampled.outputs[0]!.out], [path.join(outDir, 'enus_s3cut_16000.npy'), path.join(outDir, 'espeak_enus_s1.npy')]);
  const [a, b] = await Promise.all([
    hotpathAsync('features', npy, '--rate', '16000', '--preset', 'kaldi-fbank', '--out', path.join(tmp, 'ref-npy.npy')),
    hotpathAsync('features', wav, '--preset', 'whisper-80', '--out', path.join(tmp, 'ref-wav.npy')),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(readFileSync(fbank.outputs[0]!.out).equals(readFileSync(path.join(tmp, 'ref-npy.npy'))), 'kaldi-fbank of the .npy as hotpath features');
  assert.ok(readFileSync(resampled.outputs[0]!.out).equals(readFileSync(path.join(tmp, 'ref-wav.npy'))), 'a 22050 Hz WAV, resampled, as hotpath features');
});

test('a corrupt file fails its shard with FORMAT naming the file and byte offset; the other shards finish', { skip }, async () => {
  const wavs = ['espeak_enus_s1.wav', 'espeak_enus_s2.wav'].map((name) => {
    copyFileSync(path.join(SIGNALS, name), path.join(tmp, name));
    return path.join(tmp, name);
  });
  const garbage = path.join(tmp, 'garbage.npy');
  writeFileSync(garbage, Buffer.from('\x93NUMPY\x01\x00\xff\xffnot a header at all', 'latin1'));
  const outDir = path.join(tmp, 'mel');
  const failed = await batchFeatures({ redis: redis.url(), queue, files: [wavs[0]!, garbage, wavs[1]!], preset: 'whisper-80', rate: 22050, outDir, attempts: 2, backoffMs: 0 }).catch((e: unknown) => e);
  assert.ok(isHotpathError(failed), String(failed));
  assert.equal(failed.code, 'FORMAT');
  assert.match(failed.message, /1 of 3 shards failed after their retries/);
  assert.match(failed.message, /shard 1 \('.*garbage\.npy'\): \[FORMAT\] batch features: '.*garbage\.npy' has no valid \.npy header at byte offset 0/);
  for (const wav of wavs) {
    assert.ok(existsSync(path.join(outDir, `${path.basename(wav, '.wav')}.npy`)), `${wav} was processed`);
  }

  // A database cut short: the shards before the cut finish, the one past it names the offsets.
  const d = 4;
  writePoints(path.join(tmp, 'cut.npy'), 1000, d, 5);
  writePoints(path.join(tmp, 'q4.npy'), 3, d, 6);
  const header = 128;
  truncateSync(path.join(tmp, 'cut.npy'), header + 900 * d * 4);
  const cut = await batchKnn({ redis: redis.url(), queue, query: path.join(tmp, 'q4.npy'), database: path.join(tmp, 'cut.npy'), k: 3, shardRows: 250, attempts: 2, backoffMs: 0 }).catch((e: unknown) => e);
  assert.ok(isHotpathError(cut), String(cut));
  assert.equal(cut.code, 'FORMAT');
  assert.match(cut.message, /1 of 4 shards failed/);
  assert.match(cut.message, new RegExp(`shard 3 \\(rows 750\\.\\.999 of '.*cut\\.npy'\\).*ends at byte offset ${header + 900 * d * 4}, inside rows 750\\.\\.999 \\(bytes ${header + 750 * d * 4}\\.\\.${header + 1000 * d * 4 - 1}\\)`));
});

test('hotpath batch: status --json, coordinator knn and kmeans (as hp.kmeans, also from --init k-means++), and no Redis named', { skip }, async () => {
  const [status, run, noRedis, km, kmpp] = await Promise.all([
    hotpathAsync('batch', 'status', '--redis', redis.url(), '--queue', queue, '--json'),
    hotpathAsync('batch', 'coordinator', 'knn', '--redis', redis.url(), '--queue', queue, '--query', path.join(tmp, 'q.npy'), '--database', path.join(tmp, 'db.npy'), '--k', '3', '--json'),
    hotpathAsync('batch', 'status'),
    hotpathAsync('batch', 'coordinator', 'kmeans', path.join(tmp, 'db.npy'), '--redis', redis.url(), '--queue', queue, '--k', '5', '--max-iter', '50', '--centroids-out', path.join(tmp, 'c.npy'), '--json'),
    hotpathAsync('batch', 'coordinator', 'kmeans', path.join(tmp, 'db.npy'), '--redis', redis.url(), '--queue', queue, '--k', '5', '--init', 'k-means++', '--seed', '4', '--sample-rows', '300', '--max-iter', '50', '--centroids-out', path.join(tmp, 'c-pp.npy'), '--json'),
  ]);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { queue: string; jobs: Record<string, number>; workers: string[] };
  assert.equal(s.queue, queue);
  assert.equal(typeof s.jobs.waiting, 'number');
  assert.ok(s.workers.length >= 1, JSON.stringify(s));

  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { job: string; queryRows: number; k: number; shards: number };
  assert.deepEqual([summary.job, summary.queryRows, summary.k, summary.shards], ['knn', 25, 3, 4]);

  assert.equal(km.code, 0, km.stderr);
  const fit = JSON.parse(km.stdout) as { inertia: number; iterations: number };
  const hp = await createRuntime();
  try {
    const expected = hp.kmeans(hp.load(path.join(tmp, 'db.npy')), { k: 5, init: 'first', maxIter: 50 });
    assert.deepEqual([fit.inertia, fit.iterations], [expected.inertia, expected.iterations]);
    assert.deepEqual(Array.from(hp.load(path.join(tmp, 'c.npy')).toArray() as Float32Array), Array.from(expected.centroids.toArray() as Float32Array));
    assert.equal(kmpp.code, 0, kmpp.stderr);
    const sampled = await hp.kmeans(path.join(tmp, 'db.npy'), { k: 5, init: 'k-means++', seed: 4, sampleRows: 300, nInit: 1, maxIter: 50 });
    assert.equal((JSON.parse(kmpp.stdout) as { inertia: number }).inertia, sampled.inertia);
    assert.deepEqual(Array.from(hp.load(path.join(tmp, 'c-pp.npy')).toArray() as Float32Array), Array.from(sampled.centroids.toArray() as Float32Array));
  } finally {
    await hp.close();
  }

  assert.equal(noRedis.code, 2);
  assert.match(noRedis.stderr, /^error \[ARGUMENT\] batch: no Redis to use/);
});
