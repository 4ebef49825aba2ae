/**
 * float64 on wasm (f64x2, every thread), on 1 thread and on 2 threads with every call split:
 * lloyd's labels, sums and counts bit-equal to ref for values that only float64 separates, far
 * from the origin, deep below float64's normal range, overflowing, NaN and Infinity, exact
 * ties, weights and a column-major x; k-means and the CLI run float64 on wasm;
 * pairwiseDistances within its declared float64 tolerance of ref for every metric, strided
 * views, far-from-origin, non-finite and zero rows. Expected values are ref's (the plain
 * float64 loops that define the kernels) or worked out by hand.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { KERNELS, type Runtime, type Tensor } from '../../src/index.js';
import { toleranceOf, type AnyKernelDef } from '../../src/kernels/kernel.js';
import { compare, describeWorst } from '../../src/kernels/tolerance.js';
import { closeRefAndWasmOnly, hotpath, lcg, openRefAndWasmOnly, type RefAndWasmOnly } from '../helpers.js';
import { nativeSkip } from '../native.js';

let runtimes: RefAndWasmOnly;
let ref: Runtime;
let wasm: RefAndWasmOnly['wasm'];

before(async () => {
  runtimes = await openRefAndWasmOnly();
  ({ ref, wasm } = runtimes);
});

after(() => closeRefAndWasmOnly(runtimes));

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
    assert.deepEqual(Array.from(far as Float64Array), [1, 0]);
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
      const r = hp.kmeans(hp.tensor(x, [x.length / d, d]), { k: 9, seed: 4, nInit: 2 });
      return [r.labels.toArray(), r.centroids.toArray(), r.inertia, r.iterations];
    });
  const expected = fit(ref);
  for (const { name, hp } of wasm) {
    assert.deepEqual(fit(hp), expected, name);
    assert.ok((hp.stats().kernels.hamerly?.backends.wasm ?? 0) > 0, `hamerly on wasm (${name})`);
  }
});

test('hotpath kmeans on a float64 file says the backend that ran it (native when the addon is built, else wasm)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-float64-'));
  try {
    const file = path.join(dir, 'points.npy');
    const { x } = cluster(11, 2000, 3, 1, 0, 1);
    ref.scope(() => ref.save(file, ref.tensor(x, [2000, 3])));
    const r = hotpath('kmeans', file, '--k', '5', '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { dtype: string; backend: string };
    assert.deepEqual([s.dtype, s.backend], ['float64', nativeSkip === undefined ? 'native' : 'wasm']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- pairwiseDistances

const METRICS = ['sqeuclidean', 'euclidean', 'cosine', 'manhattan'] as const;

/** Uniform values in [offset - spread, offset + spread). */
function values(seed: number, count: number, offset: number, spread: number): Float64Array {
  const next = lcg(seed);
  return Float64Array.from({ length: count }, () => offset + (2 * next() - 1) * spread);
}

/**
 * Every metric of pairwiseDistances(x, y) on each wasm runtime within the kernel's declared
 * float64 tolerance of ref's; dot within 4 (d + 2) eps of sum |x| |y| (a GEMM's bound).
 */
function assertDistancesAgree(label: string, make: (hp: Runtime) => [Tensor, Tensor]): void {
  const def = KERNELS.pairwiseDistances as unknown as AnyKernelDef;
  for (const metric of [...METRICS, 'dot'] as const) {
    const { expected, scale, tolerance, depth } = ref.scope(() => {
      const [x, y] = make(ref);
      const plan = def.infer([x, y], { metric });
      const abs = (t: Tensor): Tensor => ref.tensor(Float64Array.from(t.toArray() as Float64Array, Math.abs), t.shape);
      const scale = ref.pairwiseDistances(abs(x), abs(y), { metric: 'dot' }).toArray() as Float64Array;
      return { expected: ref.pairwiseDistances(x, y, { metric }).toArray() as Float64Array, scale, tolerance: toleranceOf(def, plan), depth: def.depth!(plan) };
    });
    for (const { name, hp } of wasm) {
      const got = hp.scope(() => {
        const [x, y] = make(hp);
        const out = hp.pairwiseDistances(x, y, { metric });
        assert.equal(out.dtype, 'float64');
        return out.toArray() as Float64Array;
      });
      if (metric === 'dot') {
        got.forEach((v, i) => assert.ok(Object.is(v, expected[i]) || Math.abs(v - expected[i]!) <= 4 * depth * 2 ** -52 * scale[i]!, `${label}, dot, ${name}: entry ${i} is ${v}, ref ${expected[i]}`));
        continue;
      }
      const result = compare({ tolerance, dtype: 'float64', actual: got, expected, depth });
      assert.ok(result.ok, `${label}, ${metric}, ${name}: ${describeWorst(result)}`);
    }
  }
}

test('pairwiseDistances float64 on wasm: within the declared tolerance of ref', () => {
  for (const [label, n, m, d, offset, spread] of [
    ['near the origin, d=23', 37, 19, 23, 0, 1],
    ['one point against many, d=32', 1, 700, 32, 0, 1],
    ['several column blocks, d=64', 9, 600, 64, 0, 1],
    ['far from the origin (1e8)', 21, 13, 5, 1e8, 1],
    ['far from the origin (1e12), spread 1e-2', 11, 7, 3, 1e12, 1e-2],
    ['no features', 3, 4, 0, 0, 1],
    ['below the normal range (1e-160)', 8, 6, 4, 0, 1e-160],
  ] as const) {
    const xs = values(n + d, n * d, offset, spread);
    const ys = values(m + d + 1, m * d, offset, spread);
    assertDistancesAgree(label, (hp) => [hp.tensor(xs, [n, d]), hp.tensor(ys, [m, d])]);
  }
});

test('pairwiseDistances float64 on wasm: column-major and strided views', () => {
  const [n, m, d] = [13, 10, 6];
  const xs = values(1, n * d, 0, 1);
  const ys = values(2, 2 * m * d, 0, 1);
  assertDistancesAgree('col-major x, every other row of y', (hp) => {
    const x = hp.tensor(xs, [d, n]).transpose([1, 0]);
    assert.equal(x.layout, 'col');
    const y = hp.tensor(ys, [2 * m, d]).slice([0, 2 * m, 2], null);
    return [x, y];
  });
  assertDistancesAgree('x a column slice', (hp) => [hp.tensor(values(3, n * 2 * d, 0, 1), [n, 2 * d]).slice(null, [1, 2 * d, 2]), hp.tensor(ys.subarray(0, m * d), [m, d])]);
});

test('pairwiseDistances float64 on wasm: NaN, Infinity, overflow and zero rows as ref', () => {
  const x = Float64Array.from([0, 0, 0, Number.NaN, 1, 2, Infinity, 0, 0, 1e200, -1e200, 3, 1, 2, 3]);
  const y = Float64Array.from([0, 0, 0, Number.NaN, 0, 0, 1, 2, 3, -1e200, 1e200, 0, -Infinity, 1, 1]);
  assertDistancesAgree('non-finite rows', (hp) => [hp.tensor(x, [5, 3]), hp.tensor(y, [5, 3])]);
  for (const { hp } of wasm) {
    hp.scope(() => {
      // A zero row is at cosine distance 1 from everything, a NaN row included (as ref).
      const cos = hp.pairwiseDistances(hp.tensor(x.subarray(0, 6), [2, 3]), hp.tensor(y.subarray(0, 6), [2, 3]), { metric: 'cosine' }).toArray();
      assert.deepEqual(Array.from(cos as Float64Array), [1, 1, 1, Number.NaN]);
      // |1e200 - (-1e200)|^2 overflows: Infinity, as the definition in float64 gives.
      const far = hp.pairwiseDistances(hp.tensor(x.subarray(9, 12), [1, 3]), hp.tensor(y.subarray(9, 12), [1, 3]), { metric: 'euclidean' }).toArray();
      assert.deepEqual(Array.from(far as Float64Array), [Infinity]);
      // Far from the origin the difference is exact: 1e8 + 1 and 1e8 are 1 apart.
      const one = hp.pairwiseDistances(hp.tensor(Float64Array.from([1e8 + 1, 5]), [1, 2]), hp.tensor(Float64Array.from([1e8, 5]), [1, 2])).toArray();
      assert.deepEqual(Array.from(one as Float64Array), [1]);
    });
  }
});
