/**
 * k-means with a user distance (hp.kmeans(x, { distance })): the Lloyd loop with the assignment
 * run by a pairwise user kernel, compared with a plain Lloyd loop written here (L1 assignment,
 * float64 means rounded to float32, init 'first', stop on unchanged labels), on ref and on
 * wasm (compiled), and its errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRuntime, type Runtime } from '../../src/index.js';
import { assignManhattan, manhattan } from '../../examples/kmeansManhattan.js';
import { huber } from '../../examples/huber.js';
import { codeOf } from '../helpers.js';

/** Points around 4 centres in 6 dims, seeded. */
function points(n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    const centre = i % 4;
    for (let p = 0; p < d; p++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      out[i * d + p] = centre * 3 + ((p + centre) % 2) + (s / 2 ** 32 - 0.5);
    }
  }
  return out;
}

/** The plain algorithm: labels and centroids after convergence from the first k rows. */
function plainLloyd(x: Float32Array, d: number, k: number, maxIter: number): { labels: Int32Array; centroids: Float32Array; iterations: number } {
  const n = x.length / d;
  let centroids = x.slice(0, k * d);
  let labels: Int32Array = new Int32Array(n).fill(-1);
  let iterations = 0;
  for (let it = 0; it < maxIter; it++) {
    const next = assignManhattan(x, centroids, d);
    iterations++;
    const same = next.every((l, i) => l === labels[i]);
    labels = next;
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]!]!++;
      for (let p = 0; p < d; p++) {
        sums[labels[i]! * d + p]! += x[i * d + p]!;
      }
    }
    centroids = Float32Array.from(centroids, (c, e) => (counts[Math.floor(e / d)]! > 0 ? sums[e]! / counts[Math.floor(e / d)]! : c));
    if (same) {
      break;
    }
  }
  return { labels, centroids, iterations };
}

for (const backend of ['ref', 'wasm'] as const) {
  describe(`kmeans with a user distance on ${backend}`, () => {
    let hp: Runtime;
    before(async () => {
      hp = await createRuntime({ require: backend, threads: 2 });
      await hp.load(manhattan);
    });
    after(() => hp.close());

    test('<name>.nearest: each row\'s nearest centroid and its distance, NaN never winning', () => {
      const d = 5;
      const x = points(37, d);
      x.fill(Number.NaN, 3 * d, 4 * d); // row 3: every distance is NaN
      x[7 * d + 2] = Number.NaN;
      const c = points(6, d).map((v) => v + 0.25);
      const [labels, distances] = hp.run('manhattan.nearest', [hp.tensor(x, [37, d]), hp.tensor(c, [6, d])]);
      const plain = assignManhattan(x, c, d);
      const got = labels!.toArray() as Int32Array;
      const dist = distances!.toArray() as Float32Array;
      for (let i = 0; i < 37; i++) {
        let sum = 0;
        for (let p = 0; p < d; p++) {
          sum += Math.abs(x[i * d + p]! - c[got[i]! * d + p]!);
        }
        if (i === 3 || i === 7) {
          assert.equal(got[i], 0, `row ${i}`);
          assert.ok(Number.isNaN(dist[i]), `row ${i}: ${dist[i]}`);
        } else {
          assert.equal(got[i], plain[i], `row ${i}`);
          assert.ok(Math.abs(dist[i]! - sum) <= 1e-5 * sum, `row ${i}: ${dist[i]} vs ${sum}`);
        }
      }
    });

    test('matches a plain Lloyd loop with the same distance', () => {
      const d = 6;
      const n = 403;
      const x = points(n, d);
      const expected = plainLloyd(x, d, 4, 100);
      const result = hp.kmeans(hp.tensor(x, [n, d]), { k: 4, init: 'first', distance: manhattan, tol: 0, maxIter: 100 });
      assert.deepEqual(Array.from(result.labels.toArray() as Int32Array), Array.from(expected.labels));
      const got = result.centroids.toArray() as Float32Array;
      expected.centroids.forEach((c, e) => assert.ok(Math.abs(got[e]! - c) <= 1e-5 * Math.max(1, Math.abs(c)), `centroid value ${e}: ${got[e]} vs ${c}`));
      let inertia = 0;
      for (let i = 0; i < n; i++) {
        for (let p = 0; p < d; p++) {
          inertia += Math.abs(x[i * d + p]! - expected.centroids[expected.labels[i]! * d + p]!);
        }
      }
      assert.ok(Math.abs(result.inertia - inertia) <= 1e-4 * inertia, `inertia ${result.inertia} vs ${inertia}`);
      assert.equal(result.converged, true);
      assert.deepEqual(Array.from(result.predict(hp.tensor(x.slice(0, 5 * d), [5, d])).toArray() as Int32Array), Array.from(expected.labels.slice(0, 5)));
      assert.ok((hp.stats().kernels['manhattan.nearest']?.backends[backend] ?? 0) > 0, JSON.stringify(hp.stats().kernels));
    });
  });
}

describe('kmeans distance errors', () => {
  test('a kernel that is not pairwise, not loaded, or float64 points', async () => {
    const hp = await createRuntime({ require: 'ref' });
    try {
      const x = hp.tensor(points(20, 6), [20, 6]);
      assert.equal(codeOf(() => hp.kmeans(x, { k: 2, distance: huber })), 'ARGUMENT');
      assert.equal(codeOf(() => hp.kmeans(x, { k: 2, distance: manhattan })), 'ARGUMENT');
      await hp.load(manhattan);
      assert.equal(codeOf(() => hp.kmeans(x.astype('float64'), { k: 2, distance: manhattan })), 'DTYPE');
    } finally {
      await hp.close();
    }
  });
});
