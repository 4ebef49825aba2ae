/**
 * `hotpath kmeans FILE.npy --out-of-core`: the JSON summary with its per-iteration I/O report,
 * the streamed labels and distances, the same answer as the in-memory command, the text report's
 * I/O lines, --mini-batch (the library's mini-batch fit, with its settings), and coded errors for
 * flags that need the out-of-core fit.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRuntime } from '../../src/index.js';
import { assertCleanError, hotpath } from '../helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-kmeans-file-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const POINTS = path.join(tmp, 'points.npy');

before(() => {
  const r = hotpath('blobs', POINTS, '--n', '700', '--d', '3', '--centers', '4', '--spread', '0.5', '--seed', '5');
  assert.equal(r.code, 0, r.stderr);
});

test('kmeans --out-of-core --json: same inertia and labels as in memory, I/O per iteration, streamed outputs', () => {
  const labels = path.join(tmp, 'labels.npy');
  const memLabels = path.join(tmp, 'mem-labels.npy');
  const distances = path.join(tmp, 'distances.npy');
  const common = [POINTS, '--k', '4', '--init', 'first', '--max-iter', '6', '--json'];
  const file = hotpath('kmeans', ...common, '--out-of-core', '--labels-out', labels, '--distances-out', distances);
  assert.equal(file.code, 0, file.stderr);
  // Hamerly's hints in temporary files instead of the heap: the same answer.
  const onDisk = hotpath('kmeans', ...common, '--out-of-core', '--hint-bytes', '0');
  assert.equal(onDisk.code, 0, onDisk.stderr);
  const mem = hotpath('kmeans', ...common, '--labels-out', memLabels);
  assert.equal(mem.code, 0, mem.stderr);
  const f = JSON.parse(file.stdout) as { outOfCore: boolean; inertia: number; iterations: number; points: number; io: { bytes: number; ioBound: boolean }; perIteration: { iteration: number; bytes: number; readMBps: number; computeMBps: number; ioShare: number; ioBound: boolean }[]; labelsOut: string; distancesOut: string };
  const m = JSON.parse(mem.stdout) as { inertia: number; iterations: number };
  assert.equal(f.outOfCore, true);
  assert.equal(f.inertia, m.inertia);
  assert.equal((JSON.parse(onDisk.stdout) as { inertia: number }).inertia, m.inertia);
  assert.equal(f.iterations, m.iterations);
  assert.equal(f.perIteration.length, f.iterations);
  // Each iteration reads the 700 x 3 float32 rows once.
  for (const it of f.perIteration) {
    assert.equal(it.bytes, 700 * 3 * 4);
    assert.ok(it.ioShare >= 0 && it.ioShare <= 1 && typeof it.ioBound === 'boolean');
  }
  // Same labels bytes (both int32 [700] .npy files with numpy's header).
  assert.deepEqual(readFileSync(labels), readFileSync(memLabels));
  assert.equal(f.distancesOut, distances);
  assert.equal(readFileSync(distances).length, 128 + 700 * 8);
});

test('kmeans --out-of-core text report: one I/O line per iteration on stderr and an I/O summary', () => {
  const r = hotpath('kmeans', POINTS, '--k', '4', '--init', 'first', '--max-iter', '3', '--tol', '0', '--out-of-core');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^run 1 iteration 1: read 0 MB at \d+ MB\/s, computed at \d+ MB\/s, I\/O share \d+% \((I\/O-bound: waiting on reads dominates, faster kernels would not help|compute-bound)\); 700 labels changed$/m);
  assert.match(r.stdout, /^k-means out of core on .*points\.npy: 700 points x 3 features, k = 4/);
  assert.match(r.stdout, /\n {2}I\/O {12}0 MB read at \d+ MB\/s, computed at \d+ MB\/s, I\/O share \d+%/);
});

test('kmeans: --distances-out without --out-of-core, --out-of-core on an .npz and a negative --hint-bytes are coded errors', () => {
  assertCleanError(hotpath('kmeans', POINTS, '--k', '2', '--distances-out', path.join(tmp, 'd.npy')), 'ARGUMENT', '--distances-out');
  assertCleanError(hotpath('kmeans', path.join(tmp, 'x.npz'), '--k', '2', '--out-of-core'), 'ARGUMENT', '.npy');
  assertCleanError(hotpath('kmeans', POINTS, '--k', '2', '--out-of-core', '--hint-bytes', '-1'), 'ARGUMENT', 'hintBytes');
});

test('kmeans --mini-batch: the library mini-batch fit of the file (same inertia and labels), steps on stderr', async () => {
  const labels = path.join(tmp, 'mb-labels.npy');
  const r = hotpath('kmeans', POINTS, '--k', '4', '--mini-batch', '64', '--max-no-improvement', '4', '--seed', '3', '--max-iter', '2', '--labels-out', labels, '--json');
  assert.equal(r.code, 0, r.stderr);
  const cli = JSON.parse(r.stdout) as { outOfCore: boolean; miniBatch: { batchSize: number; maxNoImprovement: number }; inertia: number; iterations: number };
  assert.deepEqual(cli.miniBatch, { batchSize: 64, maxNoImprovement: 4 });
  const hp = await createRuntime();
  try {
    const lib = await hp.kmeans(POINTS, { k: 4, seed: 3, maxIter: 2, miniBatch: { batchSize: 64, maxNoImprovement: 4 }, labelsOut: path.join(tmp, 'mb-lib-labels.npy') });
    lib.centroids.release();
    assert.equal(cli.inertia, lib.inertia);
    assert.equal(cli.iterations, lib.iterations);
    assert.deepEqual(readFileSync(labels), readFileSync(path.join(tmp, 'mb-lib-labels.npy')));
  } finally {
    await hp.close();
  }
  const text = hotpath('kmeans', POINTS, '--k', '4', '--mini-batch', '64', '--seed', '3', '--max-iter', '2');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, /^run 1 step 1: 64 rows, centroid shift \d/m);
  assert.match(text.stdout, /^mini-batch k-means \(64 rows per step\) out of core on .*points\.npy: 700 points x 3 features, k = 4/);
  assert.match(text.stdout, /\n {2}steps {10}\d+ \(/);
});

test('kmeans: --mini-batch 0 or abc, --max-no-improvement without --mini-batch, and --mini-batch on an .npz are coded errors', () => {
  assertCleanError(hotpath('kmeans', POINTS, '--k', '2', '--mini-batch', '0'), 'ARGUMENT', 'batchSize');
  assertCleanError(hotpath('kmeans', POINTS, '--k', '2', '--mini-batch', 'abc'), 'ARGUMENT', '--mini-batch');
  assertCleanError(hotpath('kmeans', POINTS, '--k', '2', '--max-no-improvement', '3'), 'ARGUMENT', '--max-no-improvement');
  assertCleanError(hotpath('kmeans', path.join(tmp, 'x.npz'), '--k', '2', '--mini-batch'), 'ARGUMENT', '--mini-batch');
});
