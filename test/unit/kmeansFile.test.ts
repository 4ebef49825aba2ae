/**
 * The out-of-core fit (hp.kmeans on a .npy path) against the in-memory fit of the same data:
 * labels, centroids, inertia, iterations bit for bit, over several n (one chunk, several
 * chunks, not multiples of the chunk or the block), both dtypes, every init, any block size
 * (fast-check); the streamed labels and distances; predict on a file.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { createRuntime, type Runtime, type Tensor } from '../../src/index.js';
import { chunkRows } from '../../src/kmeans/chunks.js';
import { tempDir } from '../npyHelpers.js';
import { uniformValues } from '../helpers.js';

const dir = tempDir();
after(() => dir.remove());

/** Points around `groups` centres, float32-exact values; `seed` varies them. */
function points(n: number, d: number, groups: number, seed: number): Float64Array {
  const u = uniformValues(n * d, seed);
  return u.map((v, e) => Math.fround(v + 3 * (Math.floor(e / d) % groups) + 0.25 * (e % 7)));
}

async function runtime(): Promise<Runtime> {
  return createRuntime({ backends: ['wasm', 'ref'], threads: 2 });
}

function save(hp: Runtime, name: string, x: Tensor): string {
  const path = dir.path(name);
  hp.save(path, x);
  return path;
}

const arr = (t: Tensor): number[] => Array.from(t.toArray() as ArrayLike<number>);

interface Case {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly dtype: 'float32' | 'float64';
}

/** Fits the data in memory and from its file (labels and distances streamed out) and compares everything. */
async function compare(hp: Runtime, c: Case, options: Record<string, unknown>, blockBytes?: number, fileOptions: Record<string, unknown> = {}): Promise<void> {
  const values = points(c.n, c.d, c.k, c.n + c.d);
  const x = hp.tensor(c.dtype === 'float32' ? Float32Array.from(values) : values, [c.n, c.d]);
  const path = save(hp, `x-${c.n}-${c.d}-${c.dtype}.npy`, x);
  const init = options.init === 'given' ? hp.tensor(c.dtype === 'float32' ? Float32Array.from(values.subarray(c.d, c.d * (c.k + 1))) : values.slice(c.d, c.d * (c.k + 1)), [c.k, c.d]) : options.init;
  const opts = { k: c.k, maxIter: 30, ...options, init } as const;
  const mem = hp.kmeans(x, opts as never);
  const labelsOut = dir.path('labels.npy');
  const distancesOut = dir.path('distances.npy');
  const file = await hp.kmeans(path, { ...(opts as object), k: c.k, labelsOut, distancesOut, ...(blockBytes === undefined ? {} : { blockBytes }), ...fileOptions } as never);
  const what = `${JSON.stringify(c)} ${JSON.stringify(options)} block ${blockBytes} ${JSON.stringify(fileOptions)}`;
  assert.deepEqual(arr(file.centroids), arr(mem.centroids), what);
  assert.equal(file.inertia, mem.inertia, what);
  assert.equal(file.iterations, mem.iterations, what);
  assert.equal(file.converged, mem.converged, what);
  assert.deepEqual(file.clusterSizes, mem.clusterSizes, what);
  assert.equal(file.labelsPath, labelsOut);
  const labels = hp.load(labelsOut);
  assert.deepEqual(arr(labels), arr(mem.labels), what);
  // Distances: each point's Euclidean distance to its centroid, from the raw values in float64
  // (the fit measures centred values, so a few ulps apart).
  const distances = arr(hp.load(distancesOut));
  const centroids = arr(mem.centroids);
  const memLabels = arr(mem.labels);
  for (let i = 0; i < c.n; i++) {
    let sq = 0;
    for (let p = 0; p < c.d; p++) {
      sq += (values[i * c.d + p]! - centroids[memLabels[i]! * c.d + p]!) ** 2;
    }
    assert.ok(Math.abs(distances[i]! - Math.sqrt(sq)) <= 1e-5 * Math.max(1, Math.sqrt(sq)), `${what} distance ${i}: ${distances[i]} vs ${Math.sqrt(sq)}`);
  }
  file.centroids.release();
  labels.release();
}

test('file fit = in-memory fit bit for bit: one chunk, several chunks, odd n, float32 and float64, every init', async () => {
  const hp = await runtime();
  try {
    // d = 1100: chunks of 2048 rows, so n = 5000 is 3 chunks (2048, 2048, 904); d = 3: one chunk.
    assert.equal(chunkRows(1100), 2048);
    for (const dtype of ['float32', 'float64'] as const) {
      await compare(hp, { n: 5000, d: 1100, k: 3, dtype }, { init: 'first', tol: 0 });
      await compare(hp, { n: 5000, d: 1100, k: 3, dtype }, { init: 'given' }, 2048 * 1100 * 8);
      await compare(hp, { n: 999, d: 3, k: 4, dtype }, { init: 'k-means++', seed: 11 });
      await compare(hp, { n: 999, d: 3, k: 4, dtype }, { init: 'random', seed: 2, nInit: 3 });
    }
    // k-means++ over 3 chunks with the whole file as the sample (n <= sampleRows).
    await compare(hp, { n: 4500, d: 1100, k: 3, dtype: 'float32' }, { init: 'k-means++', seed: 4, sampleRows: 4500 });
  } finally {
    await hp.close();
  }
});

test('any blockBytes gives the same bits (fast-check)', async () => {
  const hp = await runtime();
  try {
    const c: Case = { n: 4200, d: 1100, k: 3, dtype: 'float32' };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 * 2048 * 1100 * 4 }), async (blockBytes) => {
        await compare(hp, c, { init: 'first', maxIter: 4 }, blockBytes);
      }),
      { numRuns: 4, seed: 13 },
    );
  } finally {
    await hp.close();
  }
});

test('Hamerly hints in the heap (within hintBytes) and in temporary files give the same bits, relocation included', async () => {
  const hp = await runtime();
  try {
    const c: Case = { n: 5000, d: 1100, k: 3, dtype: 'float32' };
    // The hints take 20 bytes a row: 20 n fits exactly, one byte less does not.
    const sizes = { heap: 20 * c.n, disk: 20 * c.n - 1 };
    const path = save(hp, 'hints.npy', hp.tensor(Float32Array.from(points(c.n, c.d, c.k, 5)), [c.n, c.d]));
    const held: number[] = [];
    for (const hintBytes of Object.values(sizes)) {
      await compare(hp, c, { init: 'first', tol: 0, maxIter: 6 }, undefined, { hintBytes });
      // Heap bytes live between iterations, above those before the fit.
      const before = hp.memory().bytes;
      const live: number[] = [];
      const fit = await hp.kmeans(path, { k: c.k, init: 'first', maxIter: 3, tol: 0, hintBytes, onIteration: () => live.push(hp.memory().bytes - before) });
      fit.centroids.release();
      assert.ok(live.length >= 1);
      held.push(Math.min(...live));
    }
    // The heap holds all n rows' hints, the files path one chunk's (2048 rows at d = 1100).
    assert.ok(held[0]! - held[1]! >= 20 * (c.n - chunkRows(c.d)), `heap hints: ${held[0]} bytes held, files: ${held[1]}`);
    // A centroid far from every point: its cluster is empty after the first step and takes the
    // farthest point (the relocation pass reads the labels from the hints).
    const values = points(c.n, c.d, c.k, c.n + c.d);
    const far = Float32Array.from({ length: c.k * c.d }, (_, e) => (e < c.d ? 1e4 : values[e]!));
    const relocated = hp.kmeans(hp.tensor(Float32Array.from(values), [c.n, c.d]), { k: c.k, init: hp.tensor(far, [c.k, c.d]), maxIter: 5 });
    assert.ok(relocated.clusterSizes[0]! > 0, 'the far centroid took a point');
    for (const hintBytes of [0, undefined]) {
      await compare(hp, c, { init: hp.tensor(far, [c.k, c.d]), maxIter: 5 }, 2048 * 1100 * 4, { hintBytes });
    }
  } finally {
    await hp.close();
  }
});

test('predict on a file streams the labels predict gives in memory', async () => {
  const hp = await runtime();
  try {
    const train = points(3000, 5, 4, 1);
    const other = points(2500, 5, 4, 9);
    const x = hp.tensor(Float32Array.from(train), [3000, 5]);
    const y = hp.tensor(Float32Array.from(other), [2500, 5]);
    const mem = hp.kmeans(x, { k: 4, init: 'first' });
    const fit = await hp.kmeans(save(hp, 'train.npy', x), { k: 4, init: 'first' });
    const out = dir.path('predicted.npy');
    const result = await fit.predict(save(hp, 'other.npy', y), out);
    assert.equal(result.rows, 2500);
    assert.deepEqual(arr(hp.load(out)), arr(mem.predict(y)));
  } finally {
    await hp.close();
  }
});
