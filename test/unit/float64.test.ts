/**
 * float64 on wasm (f64x2, every thread): lloyd's labels, sums and counts bit-equal to ref on 1
 * thread and on 2 threads with every call split, for values that only float64 separates, far
 * from the origin, deep below float64's normal range, overflowing, NaN and Infinity, exact
 * ties, weights and a column-major x; k-means and the CLI run float64 on wasm. Expected values
 * are ref's (the plain float64 loops that define the kernel) or worked out by hand.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRuntime, type Runtime } from '../../src/index.js';
import { hotpath } from '../helpers.js';

let ref: Runtime;
const wasm: { name: string; hp: Runtime }[] = [];

before(async () => {
  ref = await createRuntime({ backends: ['ref'] });
  // Only wasm: a decline would throw instead of running on ref unseen.
  wasm.push({ name: '1 thread', hp: await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 1 }) });
  wasm.push({ name: '2 threads, every call split', hp: await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 2, parallelThreshold: 0 }) });
});

after(async () => {
  await ref.close();
  for (const { hp } of wasm) {
    await hp.close();
  }
});

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** n points around 6 centres (spread `spread`, shifted by `offset`) and k centroids near points; every fourth centroid repeats the one before. */
function cluster(seed: number, n: number, d: number, k: number, offset: number, spread: number): { x: Float64Array; c: Float64Array } {
  const next = lcg(seed);
  const centres = Float64Array.from({ length: 6 * d }, () => offset + (next() - 0.5) * 20 * spread);
  const x = Float64Array.from({ length: n * d }, (_, e) => centres[Math.floor(next() * 6) * d + (e % d)]! + (next() - 0.5) * 3 * spread);
  const c = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < d; p++) {
      c[j * d + p] = j % 4 === 3 ? c[(j - 1) * d + p]! : x[Math.floor(next() * n) * d + p]! + (next() - 0.5) * 0.5 * spread;
    }
  }
  return { x, c };
}

function lloydOn(hp: Runtime, x: Float64Array, c: Float64Array, d: number, w?: Float64Array): (Int32Array | Float64Array)[] {
  return hp.scope(() => {
    const inputs = [hp.tensor(x, [x.length / d, d]), hp.tensor(c, [c.length / d, d]), ...(w === undefined ? [] : [hp.tensor(w)])];
    return hp.run('lloyd', inputs).map((t) => t.toArray() as Int32Array | Float64Array);
  });
}

function assertLloydAgrees(label: string, x: Float64Array, c: Float64Array, d: number, w?: Float64Array): void {
  const expected = lloydOn(ref, x, c, d, w);
  for (const { name, hp } of wasm) {
    const got = lloydOn(hp, x, c, d, w);
    assert.deepEqual(got[0], expected[0], `${label}, ${name}: labels`);
    assert.deepEqual(got[1], expected[1], `${label}, ${name}: sums`);
    assert.deepEqual(got[2], expected[2], `${label}, ${name}: counts`);
  }
}

test('lloyd float64 on wasm: labels, sums and counts bit-equal to ref', () => {
  for (const [label, seed, n, d, k, offset, spread] of [
    ['clustered, d=7, k=13', 1, 5000, 7, 13, 0, 1],
    ['d=32, k=64 (the bench shape)', 2, 4100, 32, 64, 0, 1],
    ['far from the origin (1e8), d=5, k=9', 3, 3000, 5, 9, 1e8, 1],
    ['far from the origin (1e12), spread 1e-3', 4, 3000, 3, 6, 1e12, 1e-3],
    ['k=1, d=1', 5, 300, 1, 1, 0, 1],
    ['squares below the normal range (1e-160)', 6, 2000, 4, 7, 0, 1e-160],
    ['squares overflow (1e154)', 7, 2000, 3, 5, 0, 1e154],
  ] as const) {
    const { x, c } = cluster(seed, n, d, k, offset, spread);
    assertLloydAgrees(label, x, c, d);
    const w = Float64Array.from({ length: n }, lcg(seed + 100));
    assertLloydAgrees(`${label}, weighted`, x, c, d, w);
  }
});

test('lloyd float64 on wasm: NaN and Infinity in points and centroids as ref', () => {
  const { x, c } = cluster(8, 500, 3, 5, 0, 1);
  for (const [i, v] of [[0, Number.NaN], [4, Infinity], [9, -Infinity], [30, 1e300]] as const) {
    x[i] = v;
  }
  assertLloydAgrees('NaN/Inf points', x, c, 3);
  const c2 = Float64Array.from(c);
  c2[1] = Number.NaN;
  c2[5] = Infinity;
  assertLloydAgrees('NaN/Inf centroids', x, c2, 3);
  assertLloydAgrees('all NaN centroids', x, new Float64Array(6).fill(Number.NaN), 3);
});

test('lloyd float64 on wasm: what only float64 separates, and exact ties go to the first centroid', () => {
  // Centroids 0 and 1 on a line; 0.5 + 1e-13 is nearer 1 (a tie once rounded to float32),
  // 0.5 is a tie (the first wins), 1 + 1e-15 is nearer 1; far out, 1e9 + 0.5 + 2^-23 is
  // nearer 1e9 + 1.
  const x = Float64Array.from([0.5 + 1e-13, 0.5, 1 + 1e-15, -1e-300, 1e9 + 0.5 + 2 ** -23, 1e9 + 0.5]);
  for (const { hp } of wasm) {
    const near = lloydOn(hp, x.subarray(0, 4), Float64Array.from([0, 1]), 1)[0]!;
    assert.deepEqual(Array.from(near), [1, 0, 1, 0]);
    const far = lloydOn(hp, x.subarray(4), Float64Array.from([1e9, 1e9 + 1]), 1)[0]!;
    assert.deepEqual(Array.from(far), [1, 0]);
  }
});

test('lloyd float64 on wasm: a column-major x (copied to rows) and hamerly give the same bits', () => {
  const d = 6;
  const { x, c } = cluster(9, 2500, d, 11, 0, 1);
  const expected = lloydOn(ref, x, c, d);
  for (const { name, hp } of wasm) {
    hp.scope(() => {
      const n = x.length / d;
      const cols = hp.tensor(x, [n, d]).transpose([1, 0]).contiguous().transpose([1, 0]);
      assert.equal(cols.layout, 'col');
      const got = hp.run('lloyd', [cols, hp.tensor(c, [11, d])]).map((t) => t.toArray());
      assert.deepEqual(got, expected, `col-major, ${name}`);
      const bounds = new Float64Array(2 * n).map((_, e) => (e % 2 === 0 ? Infinity : 0));
      const h = hp.run('hamerly', [hp.tensor(x, [n, d]), hp.tensor(c, [11, d]), hp.zeros([n], 'int32'), hp.tensor(bounds, [n, 2]), hp.zeros([11], 'float64')]);
      assert.deepEqual(h.slice(0, 3).map((t) => t.toArray()), expected, `hamerly, ${name}`);
    });
  }
});

test('kmeans float64 runs hamerly on wasm and gives ref\'s answer on 1 and 2 threads', () => {
  const d = 4;
  const { x } = cluster(10, 3000, d, 1, 0, 1);
  const fit = (hp: Runtime): unknown[] =>
    hp.scope(() => {
      const r = hp.kmeans(hp.tensor(x, [x.length / d, d]), { k: 9, seed: 4, nInit: 2, init: 'random' });
      return [r.labels.toArray(), r.centroids.toArray(), r.inertia, r.iterations];
    });
  const expected = fit(ref);
  for (const { name, hp } of wasm) {
    assert.deepEqual(fit(hp), expected, name);
    assert.ok((hp.stats().kernels.hamerly?.backends.wasm ?? 0) > 0, `hamerly on wasm (${name})`);
  }
});

test('hotpath kmeans on a float64 file says backend wasm', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-float64-'));
  try {
    const file = path.join(dir, 'points.npy');
    const { x } = cluster(11, 2000, 3, 1, 0, 1);
    ref.scope(() => ref.save(file, ref.tensor(x, [2000, 3])));
    const r = hotpath('kmeans', file, '--k', '5', '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { dtype: string; backend: string };
    assert.deepEqual([s.dtype, s.backend], ['float64', 'wasm']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
