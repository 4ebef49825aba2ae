/**
 * Mini-batch k-means over a file (options.miniBatch): every step against an independent float64
 * loop here (same draws from pure-rand's xoroshiro128plus with the fit's seed, nearest centroid,
 * c <- (c * n_old + sum_batch) * (1 / n_new)), and the quality against scikit-learn 1.2.1's
 * MiniBatchKMeans on blobs (test/fixtures/kmeans/minibatch.json, made by minibatch.py there).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { createRuntime } from '../../src/index.js';
import { tempDir } from '../npyHelpers.js';
import { uniformValues } from '../helpers.js';

const dir = tempDir();
after(() => dir.remove());
const FIXTURES = new URL('../fixtures/kmeans/', import.meta.url).pathname;

/** The mini-batch fit's centroids by plain float64 loops (data float64, init 'first'). */
function reference(x: Float64Array, n: number, d: number, k: number, batch: number, steps: number, seed: number): number[] {
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < d; p++) {
      mean[p] = mean[p]! + x[i * d + p]!;
    }
  }
  for (let p = 0; p < d; p++) {
    mean[p] = mean[p]! / n;
  }
  const centred = x.map((v, e) => v + -mean[e % d]!);
  const centres = Array.from(centred.subarray(0, k * d));
  const absorbed = new Array<number>(k).fill(0);
  const rng = xoroshiro128plus(seed);
  for (let s = 0; s < steps; s++) {
    const sums = new Array<number>(k * d).fill(0);
    const counts = new Array<number>(k).fill(0);
    for (let b = 0; b < batch; b++) {
      const i = Math.min(n - 1, Math.floor(uniformFloat64(rng) * n));
      let best = 0;
      let bestDist = Infinity;
      for (let j = 0; j < k; j++) {
        let dist = 0;
        for (let p = 0; p < d; p++) {
          dist += (centred[i * d + p]! - centres[j * d + p]!) ** 2;
        }
        if (dist < bestDist) {
          bestDist = dist;
          best = j;
        }
      }
      for (let p = 0; p < d; p++) {
        sums[best * d + p] = sums[best * d + p]! + centred[i * d + p]!;
      }
      counts[best] = counts[best]! + 1;
    }
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) {
        continue;
      }
      const total = absorbed[j]! + counts[j]!;
      for (let p = 0; p < d; p++) {
        centres[j * d + p] = (centres[j * d + p]! * absorbed[j]! + sums[j * d + p]!) * (1 / total);
      }
      absorbed[j] = total;
    }
  }
  return centres.map((v, e) => v + mean[e % d]!);
}

test('mini-batch steps equal an independent float64 loop with the same draws', async () => {
  const hp = await createRuntime({ backends: ['wasm', 'ref'], threads: 2 });
  try {
    const n = 1500;
    const d = 3;
    const k = 4;
    const x = uniformValues(n * d, 3).map((v, e) => v + 5 * (Math.floor(e / d) % k));
    const path = dir.path('x.npy');
    hp.save(path, hp.tensor(x, [n, d]));
    // maxIter 2 epochs of 1500 rows in batches of 100: 30 steps; no early stop.
    const fit = await hp.kmeans(path, { k, init: 'first', seed: 7, maxIter: 2, tol: 0, miniBatch: { batchSize: 100, maxNoImprovement: 0 } });
    assert.equal(fit.iterations, 30);
    assert.deepEqual(Array.from(fit.centroids.toArray() as Float64Array), reference(x, n, d, k, 100, 30, 7));
  } finally {
    await hp.close();
  }
});

test('mini-batch inertia on blobs is within 1% of scikit-learn MiniBatchKMeans (batch 256, 5 seeds, medians)', async (t) => {
  const fixture = JSON.parse(readFileSync(`${FIXTURES}minibatch.json`, 'utf8')) as { k: number; batchSize: number; miniBatch: { inertia: number }[]; kmeans: { inertia: number } };
  const hp = await createRuntime({ backends: ['wasm', 'ref'], threads: 2 });
  try {
    const ours: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      const fit = await hp.kmeans(`${FIXTURES}minibatch-blobs.npy`, { k: fixture.k, seed, miniBatch: { batchSize: fixture.batchSize } });
      ours.push(fit.inertia);
      fit.centroids.release();
    }
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    const theirs = median(fixture.miniBatch.map((r) => r.inertia));
    const mine = median(ours);
    t.diagnostic(`hotpath mini-batch inertia ${ours.join(', ')} (median ${mine}); scikit-learn ${fixture.miniBatch.map((r) => r.inertia).join(', ')} (median ${theirs}); KMeans ${fixture.kmeans.inertia}`);
    assert.ok(Math.abs(mine - theirs) <= 0.01 * theirs, `median inertia ${mine} (runs ${ours.join(', ')}) vs scikit-learn ${theirs}`);
    // Never below the full k-means optimum by more than rounding.
    assert.ok(Math.min(...ours) >= fixture.kmeans.inertia * (1 - 1e-6), `${ours} vs k-means ${fixture.kmeans.inertia}`);
  } finally {
    await hp.close();
  }
});
