/**
 * The canonical reduction order of k-means (src/kmeans/chunks.ts): chunk sizes by hand, and the
 * in-memory fit's mean, centroids and inertia against plain float64 loops written here that
 * follow the documented order (chunks of chunkRows(d) rows, blocks of 2048 inside a chunk).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkCount, chunkRange, chunkRows } from '../../src/kmeans/chunks.js';
import type { RuntimeOptions } from '../../src/index.js';
import { eachRuntime, uniformValues } from '../helpers.js';

const RUNTIMES: readonly { name: string; options: RuntimeOptions }[] = [
  { name: 'ref', options: { backends: ['ref'] } },
  { name: 'wasm', options: { backends: ['wasm', 'ref'], threads: 2 } },
];

test('chunkRows: 2048 * max(1, floor(2^22 / (d * 2048))) rows', () => {
  // 2^22 / (32 * 2048) = 64 blocks; 2^22 / 2048 = 2048 blocks for d = 1; d = 1025: 1.998 -> 1.
  assert.equal(chunkRows(32), 131072);
  assert.equal(chunkRows(1), 4194304);
  assert.equal(chunkRows(1025), 2048);
  assert.equal(chunkRows(5000), 2048);
  assert.equal(chunkRows(700), 4096);
  assert.equal(chunkCount(5000, 1025), 3);
  assert.deepEqual(chunkRange(2, 5000, 1025), { start: 4096, end: 5000 });
});

const N = 5000;
const D = 1025;
const K = 3;

/** Points near three centres, float64 values exactly representable in float32. */
function points(): Float64Array {
  const u = uniformValues(N * D, 7);
  return u.map((v, e) => Math.fround(v + 4 * (Math.floor(e / D) % K) + 0.1 * (e % 5)));
}

/** Sum in the documented order: per chunk of 2048-row multiples, per 2048-row block inside it. */
function orderedSums(values: Float64Array, labels: Int32Array, chunk: number): { sums: Float64Array; counts: Float64Array } {
  const sums = new Float64Array(K * D);
  const counts = new Float64Array(K);
  for (let c0 = 0; c0 < N; c0 += chunk) {
    const cs = new Float64Array(K * D);
    const cc = new Float64Array(K);
    for (let b0 = c0; b0 < Math.min(N, c0 + chunk); b0 += 2048) {
      const bs = new Float64Array(K * D);
      const bc = new Float64Array(K);
      for (let i = b0; i < Math.min(N, b0 + 2048, c0 + chunk); i++) {
        for (let p = 0; p < D; p++) {
          bs[labels[i]! * D + p] = bs[labels[i]! * D + p]! + values[i * D + p]!;
        }
        bc[labels[i]!] = bc[labels[i]!]! + 1;
      }
      cs.forEach((_, e) => (cs[e] = cs[e]! + bs[e]!));
      cc.forEach((_, j) => (cc[j] = cc[j]! + bc[j]!));
    }
    sums.forEach((_, e) => (sums[e] = sums[e]! + cs[e]!));
    counts.forEach((_, j) => (counts[j] = counts[j]! + cc[j]!));
  }
  return { sums, counts };
}

/** The fit's outputs recomputed from its labels with chunks of `chunk` rows. */
function expected(x: Float64Array, labels: Int32Array, chunk: number, round: (v: number) => number): { centroids: number[]; inertia: number } {
  const colSums = new Float64Array(D);
  for (let c0 = 0; c0 < N; c0 += chunk) {
    const part = new Float64Array(D);
    for (let i = c0; i < Math.min(N, c0 + chunk); i++) {
      for (let p = 0; p < D; p++) {
        part[p] = part[p]! + x[i * D + p]!;
      }
    }
    colSums.forEach((_, p) => (colSums[p] = colSums[p]! + part[p]!));
  }
  const mean = Array.from(colSums, (s) => s / N);
  const centred = x.map((v, e) => round(v + round(-mean[e % D]!)));
  const { sums, counts } = orderedSums(centred, labels, chunk);
  const centres = sums.map((s, e) => round(s / counts[Math.floor(e / D)]!));
  let inertia = 0;
  for (let c0 = 0; c0 < N; c0 += chunk) {
    let part = 0;
    for (let i = c0; i < Math.min(N, c0 + chunk); i++) {
      let dist = 0;
      for (let p = 0; p < D; p++) {
        dist += (centred[i * D + p]! - centres[labels[i]! * D + p]!) ** 2;
      }
      part += dist;
    }
    inertia += part;
  }
  return { centroids: Array.from(centres, (v, e) => round(v + mean[e % D]!)), inertia };
}

eachRuntime(RUNTIMES, 'in-memory fit over 3 chunks: mean, centroids and inertia in the documented chunk order', (hp) => {
  const x = points();
  for (const dtype of ['float64', 'float32'] as const) {
    const round = dtype === 'float32' ? Math.fround : (v: number): number => v;
    const r = hp.kmeans(hp.tensor(dtype === 'float32' ? Float32Array.from(x) : x, [N, D]), { k: K, init: 'first', tol: 0, maxIter: 50 });
    assert.equal(r.converged, true);
    const labels = r.labels.toArray() as Int32Array;
    const want = expected(x, labels, 2048, round);
    assert.deepEqual(Array.from(r.centroids.toArray() as Float64Array), want.centroids, dtype);
    assert.equal(r.inertia, want.inertia, dtype);
    if (dtype === 'float64') {
      // The order matters at these sizes: one chunk over all rows gives other bits, so the test tells the orders apart.
      const whole = expected(x, labels, N, round);
      assert.ok(whole.inertia !== want.inertia || whole.centroids.some((v, e) => v !== want.centroids[e]), 'the one-chunk order should differ somewhere');
    }
  }
});
