/**
 * `hotpath blobs` and `hotpath kmeans`, run as child processes the way users run them: the JSON
 * summary, the .npy files written, agreement with a library run, and bad input (exit 2, one line).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createRuntime } from '../../src/index.js';
import { assertCleanError, hotpath, values } from '../helpers.js';


const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-kmeans-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));




const POINTS = path.join(tmp, 'points.npy');
const N = 600;

before(() => {
  const r = hotpath('blobs', POINTS, '--n', String(N), '--d', '3', '--centers', '4', '--spread', '0.5', '--seed', '2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*points\.npy: float32\[600,3\], \d+ bytes\n$/);
});

interface Summary {
  file: string;
  points: number;
  features: number;
  k: number;
  dtype: string;
  inertia: number;
  iterations: number;
  converged: boolean;
  runs: number;
  pointsPerSecond: number;
  backend: string;
  clusterSizes: number[];
  labelsOut: string;
  centroidsOut: string;
}

test('kmeans --json: the summary, the .npy outputs, and the same answer as the library', async () => {
  const labelsOut = path.join(tmp, 'labels.npy');
  const centroidsOut = path.join(tmp, 'centroids.npy');
  const r = hotpath('kmeans', POINTS, '--k', '4', '--init', 'first', '--max-iter', '5', '--json', '--labels-out', labelsOut, '--centroids-out', centroidsOut);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.deepEqual([s.file, s.points, s.features, s.k, s.dtype, s.runs], [POINTS, N, 3, 4, 'float32', 1]);
  assert.deepEqual([s.labelsOut, s.centroidsOut], [labelsOut, centroidsOut]);
  assert.ok(s.iterations >= 1 && s.iterations <= 5, `iterations ${s.iterations}`);
  assert.ok(s.inertia > 0 && Number.isFinite(s.inertia));
  assert.ok(s.pointsPerSecond > 0 && Number.isFinite(s.pointsPerSecond));
  assert.equal(s.clusterSizes.reduce((a, b) => a + b, 0), N);

  const hp = await createRuntime();
  try {
    const labels = hp.load(labelsOut);
    const centroids = hp.load(centroidsOut);
    assert.deepEqual([labels.dtype, labels.shape], ['int32', [N]]);
    assert.deepEqual([centroids.dtype, centroids.shape], ['float32', [4, 3]]);
    const x = hp.load(POINTS);
    const lib = hp.kmeans(x, { k: 4, init: 'first', maxIter: 5 });
    assert.deepEqual(values(labels), values(lib.labels));
    assert.deepEqual(values(centroids), values(lib.centroids));
    assert.deepEqual([s.inertia, s.iterations, s.converged, s.clusterSizes], [lib.inertia, lib.iterations, lib.converged, lib.clusterSizes]);
    assert.equal(s.backend, Object.keys(hp.stats().kernels.hamerly!.backends).join(', '));
  } finally {
    await hp.close();
  }
});

test('kmeans without --json prints a readable summary; --backend ref gives the same inertia', () => {
  const wasm = hotpath('kmeans', POINTS, '--k', '3', '--seed', '1', '--json');
  const ref = hotpath('kmeans', POINTS, '--k', '3', '--seed', '1', '--json', '--backend', 'ref');
  assert.equal(wasm.code, 0, wasm.stderr);
  assert.equal(ref.code, 0, ref.stderr);
  const [a, b] = [JSON.parse(wasm.stdout) as Summary, JSON.parse(ref.stdout) as Summary];
  assert.equal(b.backend, 'ref');
  // The inits agree up to rounding of the k-means++ distances, and blobs leave no near-ties.
  assert.ok(Math.abs(a.inertia - b.inertia) <= 1e-5 * b.inertia, `${a.inertia} vs ${b.inertia}`);
  const text = hotpath('kmeans', POINTS, '--k', '3', '--init', 'first');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^k-means on .*points\.npy: 600 points x 3 features \(float32\), k = 3\n/);
  assert.match(text.stdout, /^ {2}inertia +\d/m);
  assert.match(text.stdout, /^ {2}iterations +\d+ \((converged|stopped at --max-iter); best of 1 run\)$/m);
});

test('kmeans bad input: exit 2 with one coded error line', () => {
  const missingK = hotpath('kmeans', POINTS);
  assert.equal(missingK.code, 2, missingK.stderr);
  assert.match(missingK.stderr, /required option '--k <k>' not specified/);
  assertCleanError(hotpath('kmeans', POINTS, '--k', '0'), 'ARGUMENT', 'invalid k');
  assertCleanError(hotpath('kmeans', POINTS, '--k', 'four'), 'ARGUMENT', '--k');
  assertCleanError(hotpath('kmeans', POINTS, '--k', '601'), 'ARGUMENT', 'k <= 600');
  assertCleanError(hotpath('kmeans', POINTS, '--k', '2', '--max-iter', '1.5'), 'ARGUMENT', '--max-iter');
  assertCleanError(hotpath('kmeans', POINTS, '--k', '2', '--init', 'best'), 'ARGUMENT', 'unknown --init');
  assertCleanError(hotpath('kmeans', path.join(tmp, 'no-such-file.npy'), '--k', '2'), 'IO', 'no-such-file.npy');
  const truncated = path.join(tmp, 'truncated.npy');
  const bytes = readFileSync(POINTS);
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
  assertCleanError(hotpath('kmeans', truncated, '--k', '2'), 'FORMAT', 'truncated.npy');
  writeFileSync(truncated, bytes.subarray(0, 20));
  assertCleanError(hotpath('kmeans', truncated, '--k', '2'), 'FORMAT', 'truncated.npy');
});

test('blobs bad input: exit 2 with one coded error line', () => {
  assertCleanError(hotpath('blobs', path.join(tmp, 'b.npy'), '--n', '0'), 'ARGUMENT', '--n');
  assertCleanError(hotpath('blobs', path.join(tmp, 'b.npy'), '--spread', '-1'), 'ARGUMENT', '--spread');
});

test('blobs larger than the heap: MEMORY before anything is generated, not a RangeError', () => {
  const out = path.join(tmp, 'huge.npy');
  assertCleanError(hotpath('blobs', out, '--n', '1e12', '--d', '1000'), 'MEMORY', 'heap');
  assert.throws(() => readFileSync(out), /ENOENT/, 'no file is written');
});

test('blobs --json: one JSON line describing the file written', async () => {
  const out = path.join(tmp, 'small.npy');
  const r = hotpath('blobs', out, '--n', '5', '--d', '2', '--centers', '2', '--seed', '7', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { file: string; dtype: string; shape: number[]; bytes: number; centers: number; seed: number };
  // 128-byte header (numpy's 64-byte alignment for a short dict) + 5 * 2 float32.
  assert.deepEqual(s, { file: out, dtype: 'float32', shape: [5, 2], bytes: 128 + 40, centers: 2, spread: 1, seed: 7 });
  assert.equal(readFileSync(out).length, s.bytes);
});

const NPY_FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/npy');

test('kmeans on an .npz of integers (numpy-made): its only array, converted to float64 as scikit-learn does', async () => {
  const file = path.join(NPY_FIXTURES, 'points-i4.npz');
  const r = hotpath('kmeans', file, '--k', '3', '--init', 'first', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary & { key: string; convertedFrom: string };
  assert.deepEqual([s.key, s.dtype, s.convertedFrom, s.points, s.features], ['points', 'float64', 'int32', 12, 2]);
  // numpy's own view of the values, clustered by the library as float64.
  const fixture = JSON.parse(readFileSync(path.join(NPY_FIXTURES, 'points-i4.json'), 'utf8')) as { arrays: { points: { values: number[] } } };
  const hp = await createRuntime();
  try {
    const lib = hp.kmeans(hp.tensor(Float64Array.from(fixture.arrays.points.values), [12, 2]), { k: 3, init: 'first' });
    assert.deepEqual([s.inertia, s.iterations, s.clusterSizes], [lib.inertia, lib.iterations, lib.clusterSizes]);
  } finally {
    await hp.close();
  }
  const text = hotpath('kmeans', file, '--k', '3', '--init', 'first');
  assert.match(text.stdout, /^k-means on .*points-i4\.npz\[points\]: 12 points x 2 features \(int32 converted to float64\), k = 3\n/);
});

test('kmeans on an .npz of several arrays takes --key; integer .npy files are converted too', () => {
  const file = path.join(NPY_FIXTURES, 'savez.npz');
  assertCleanError(hotpath('kmeans', file, '--k', '2'), 'ARGUMENT', "'weights', 'labels', 'mask', 'grid'");
  assertCleanError(hotpath('kmeans', file, '--k', '2', '--key', 'nope'), 'ARGUMENT', "no array 'nope'");
  const grid = hotpath('kmeans', file, '--k', '2', '--key', 'grid', '--json');
  assert.equal(grid.code, 0, grid.stderr);
  assert.deepEqual((JSON.parse(grid.stdout) as Summary & { key: string }).key, 'grid');
  const ints = hotpath('kmeans', path.join(NPY_FIXTURES, 'i4-le.npy'), '--k', '2', '--json');
  assert.equal(ints.code, 0, ints.stderr);
  assert.equal((JSON.parse(ints.stdout) as Summary).dtype, 'float64');
  assertCleanError(hotpath('kmeans', POINTS, '--k', '2', '--key', 'points'), 'ARGUMENT', '--key');
});
