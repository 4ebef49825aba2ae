/**
 * The ported examples (examples/*.ts): each kernel, compiled and split across threads
 * (parallelThreshold 0), gives the plain function's results within the kernel's declared
 * tolerance, and `hotpath check` passes every example file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRuntime, type Runtime } from '../../src/index.js';
import { bfloat16, roundToBfloat16 } from '../../examples/bfloat16.js';
import { haversine, haversineMatrix } from '../../examples/haversine.js';
import { huber, huberLoss } from '../../examples/huber.js';
import { assignManhattan, manhattan } from '../../examples/kmeansManhattan.js';
import { zScore, zScoreRows } from '../../examples/robustScale.js';
import { hotpath } from '../helpers.js';

function seeded(n: number, seed: number, scale = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32 - 0.5) * scale;
  });
}

/** |a - e| <= ulp * eps32 * max(|e|, floor) for every element. */
function within(got: ArrayLike<number>, expected: ArrayLike<number>, ulp: number, floor: number, what: string): void {
  assert.equal(got.length, expected.length, what);
  for (let i = 0; i < got.length; i++) {
    const bound = ulp * 2 ** -23 * Math.max(Math.abs(expected[i]!), floor);
    assert.ok(Math.abs(got[i]! - expected[i]!) <= bound, `${what}[${i}]: ${got[i]} vs ${expected[i]}`);
  }
}

// One compile cache for the runtime below and the hotpath check runs: each kernel compiles once.
const cache = mkdtempSync(path.join(os.tmpdir(), 'hotpath-examples-'));
after(() => rmSync(cache, { recursive: true, force: true }));

describe('examples on wasm, split across threads', () => {
  let hp: Runtime;
  before(async () => {
    hp = await createRuntime({ require: 'wasm', threads: 2, parallelThreshold: 0, kernels: { cacheDir: cache } });
    await hp.load([huber, haversine, zScore, manhattan, bfloat16]);
  });
  after(() => hp.close());

  test('huber: the sum of a custom loss', () => {
    const n = 100_003;
    const pred = seeded(n, 1, 6);
    const target = seeded(n, 2, 6);
    const [loss] = hp.run(huber, [hp.tensor(pred, [n]), hp.tensor(target, [n])], { delta: 1.5 });
    const expected = huberLoss(pred, target, 1.5);
    // float32 element values summed in float64: n terms, each within an ulp or two.
    assert.ok(Math.abs(Number(loss!.item()) - expected) <= 4 * 2 ** -23 * expected, `${String(loss!.item())} vs ${expected}`);
  });

  test('haversine: a broadcast distance matrix', () => {
    const n = 37;
    const m = 53;
    const lat1 = seeded(n, 3, 3);
    const lon1 = seeded(n, 4, 6);
    const lat2 = seeded(m, 5, 3);
    const lon2 = seeded(m, 6, 6);
    const [out] = hp.run(haversine, [hp.tensor(lat1, [n, 1]), hp.tensor(lon1, [n, 1]), hp.tensor(lat2, [1, m]), hp.tensor(lon2, [1, m])]);
    assert.deepEqual(out!.shape, [n, m]);
    within(out!.toArray() as Float32Array, haversineMatrix(lat1, lon1, lat2, lon2), haversine.decl.tolerance!.ulp, 1, 'haversine');
  });

  test('zScore: per-row scaling, also of a transposed (column-major) input', () => {
    const rows = 41;
    const cols = 203;
    const x = seeded(rows * cols, 7, 10);
    const expected = zScoreRows(x, rows, cols);
    const [out] = hp.run(zScore, [hp.tensor(x, [rows, cols])]);
    within(out!.toArray() as Float32Array, expected, 64, 1, 'zScore');
    // The same values as a transposed view of a [cols, rows] tensor: its rows are strided.
    const transposed = Float32Array.from({ length: rows * cols }, (_, e) => x[(e % rows) * cols + Math.floor(e / rows)]!);
    const view = hp.tensor(transposed, [cols, rows]).transpose();
    const [again] = hp.run(zScore, [view]);
    within(again!.toArray() as Float32Array, expected, 64, 1, 'zScore col-major');
  });

  test('bfloat16: explicit f32x4 code gives the bits of the plain function, NaN and infinities included', () => {
    const n = 10_007;
    const x = seeded(n, 10, 1e6);
    // Halfway cases (ties go to even), the largest float32 (rounds to Infinity), subnormals.
    const edges = [1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -8), 3.4028234663852886e38, 1e-40, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    edges.forEach((v, i) => {
      x[i * 997] = v;
    });
    const [out] = hp.run(bfloat16, [hp.tensor(x, [n])]);
    const got = new Int32Array((out!.toArray() as Float32Array).buffer);
    const plain = roundToBfloat16(x);
    const want = new Int32Array(plain.buffer);
    for (let i = 0; i < n; i++) {
      assert.ok(got[i] === want[i] || (Number.isNaN(plain[i]) && Number.isNaN(new Float32Array(got.buffer)[i])), `${x[i]}: bits ${got[i]} vs ${want[i]}`);
    }
    // The lanes body run as JavaScript (the shim) is the reference: the same bits again.
    assert.equal(Object.is(bfloat16.decl.element(1 + 2 ** -8), 1), true);
    assert.equal(bfloat16.decl.element(1 + 3 * 2 ** -8), 1 + 2 ** -6);
  });

  test('manhattan: the assignment of a custom k-means', () => {
    const d = 19;
    const points = seeded(500 * d, 8, 4);
    const centroids = seeded(7 * d, 9, 4);
    const [dist] = hp.run(manhattan, [hp.tensor(points, [500, d]), hp.tensor(centroids, [7, d])]);
    const all = dist!.toArray() as Float32Array;
    const labels = Array.from({ length: 500 }, (_, i) => {
      let best = 0;
      for (let j = 1; j < 7; j++) {
        best = all[i * 7 + j]! < all[i * 7 + best]! ? j : best;
      }
      return best;
    });
    const plain = assignManhattan(points, centroids, d);
    // Sums in another order may break a near tie the other way: allow those points only.
    const differ = labels.filter((l, i) => l !== plain[i]).length;
    assert.ok(differ <= 1, `${differ} labels differ`);
  });
});

describe('hotpath check passes every example', () => {
  for (const file of ['huber', 'haversine', 'robustScale', 'kmeansManhattan', 'bfloat16']) {
    test(file, () => {
      const r = hotpath('check', `examples/${file}.ts`, '--cache-dir', cache);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /\sPASS\s/);
      assert.doesNotMatch(r.stdout, /FAIL/);
    });
  }
});
