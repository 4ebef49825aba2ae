/**
 * The native backend's lloyd and hamerly on every path this CPU runs ('avx512', 'avx2', 'scalar')
 * and on 1 and 2 threads (every call split): the reference's labels, sums and counts bit for bit
 * (odd sizes, weights, strides, ties, far from the origin, subnormal scores, float32 and float64),
 * and hp.kmeans gives the same labels and centroids bits as on ref and wasm. Skipped, with the
 * reason, where the addon is not built.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRuntime, type Runtime, type Tensor } from '../../src/index.js';
import { lcg } from '../helpers.js';
import { distance, hints, makeCase, moveCentroids, offsetCase, type Case } from '../lloydCases.js';
import { nativePaths, nativeSkip } from '../native.js';
import { closeNatives, openNatives, type NativeRuntime } from '../nativeRuntimes.js';

const skip = nativeSkip ?? false;

let ref: Runtime;
let natives: NativeRuntime[] = [];

before(async () => {
  ref = await createRuntime({ backends: ['ref'] });
  natives = await openNatives();
});

after(async () => {
  await ref?.close();
  await closeNatives(natives);
});

type Arrays = ArrayLike<number>[];

function lloydOn(hp: Runtime, cs: Case, w?: Float32Array | Float64Array): Arrays {
  return hp.scope(() => {
    const inputs = [hp.tensor(cs.x, [cs.n, cs.d]), hp.tensor(cs.c, [cs.k, cs.d]), ...(w === undefined ? [] : [hp.tensor(w, [cs.n])])];
    return hp.run('lloyd', inputs).map((t) => t.toArray() as ArrayLike<number>);
  });
}

/** Same bits: labels, then the float64 sums and counts compared as raw bits (so -0 and NaN count too). */
function assertSameBits(got: Arrays, expected: Arrays, what: string): void {
  assert.deepEqual(got[0], expected[0], `${what}: labels`);
  for (const e of [1, 2]) {
    const a = new BigUint64Array(Float64Array.from(got[e]!).buffer);
    const b = new BigUint64Array(Float64Array.from(expected[e]!).buffer);
    assert.deepEqual(a, b, `${what}: ${e === 1 ? 'sums' : 'counts'}`);
  }
}

function weightsOf(n: number, seed: number, array: typeof Float32Array | typeof Float64Array): Float32Array | Float64Array {
  const next = lcg(seed);
  // Weights that make w * x inexact, so an FMA-contracted sum would differ from the reference's.
  return array.from(Array.from({ length: n }, () => 0.1 + next() * 3.7));
}

const CASES: readonly [string, Case][] = [
  ['clustered, d=5, k=13, 3 blocks', makeCase(1, 5000, 5, 13, 0)],
  ['far from the origin (1e4), d=16, k=8', makeCase(2, 4500, 16, 8, 1e4)],
  ['k=1, d=3', makeCase(3, 300, 3, 1, 0)],
  ['odd sizes: d=33, k=70, n=2049', makeCase(7, 2049, 33, 70, 0)],
  ['d=1, k=2', makeCase(8, 100, 1, 2, 0)],
  ['float64, clustered, d=5, k=13', makeCase(1, 5000, 5, 13, 0, Float64Array)],
  ['float64, far from the origin (1e6), d=16, k=8', makeCase(2, 4500, 16, 8, 1e6, Float64Array)],
  ['float64, odd sizes: d=19, k=37, n=4097', makeCase(9, 4097, 19, 37, 3, Float64Array)],
];

for (const [name, cs] of CASES) {
  test(`lloyd on native equals ref bit for bit on every path and thread count: ${name}`, { skip }, () => {
    const array = cs.x instanceof Float64Array ? Float64Array : Float32Array;
    const w = weightsOf(cs.n, 5, array);
    const expected = lloydOn(ref, cs);
    const weighted = lloydOn(ref, cs, w);
    for (const { name: path, hp } of natives) {
      assertSameBits(lloydOn(hp, cs), expected, path);
      assertSameBits(lloydOn(hp, cs, w), weighted, `${path}, weighted`);
      assert.deepEqual(Object.keys(hp.stats().kernels.lloyd!.backends), ['native']);
    }
  });
}

test('lloyd on native: sliced rows (row stride > d), strided float64 weights, d = 0, k = 1000', { skip }, () => {
  const n = 3000;
  const d = 5;
  const k = 7;
  const next = lcg(61);
  const wide = Float64Array.from({ length: n * (d + 3) }, () => (next() - 0.5) * 20);
  const centroids = Float64Array.from({ length: k * (d + 2) }, () => (next() - 0.5) * 20);
  const weights = Float64Array.from({ length: 2 * n }, () => 0.5 + next());
  const run = (hp: Runtime): Arrays =>
    hp.scope(() => {
      const x = hp.tensor(wide, [n, d + 3]).slice(null, [1, d + 1]);
      const c = hp.tensor(centroids, [k, d + 2]).slice(null, [2, d + 2]);
      const w = hp.tensor(weights, [2 * n]).slice([0, 2 * n, 2]);
      return hp.run('lloyd', [x, c, w]).map((t) => t.toArray() as ArrayLike<number>);
    });
  const expected = run(ref);
  const empty = lloydOn(ref, { n: 5, d: 0, k: 3, x: new Float32Array(0), c: new Float32Array(0) });
  const many = makeCase(12, 700, 2, 1000, 0);
  const manyExpected = lloydOn(ref, many);
  for (const { name, hp } of natives) {
    assertSameBits(run(hp), expected, `${name}, strided`);
    assertSameBits(lloydOn(hp, { n: 5, d: 0, k: 3, x: new Float32Array(0), c: new Float32Array(0) }), empty, `${name}, d = 0`);
    assertSameBits(lloydOn(hp, many), manyExpected, `${name}, k = 1000`);
  }
});

test('lloyd on native: labels equal the reference for values deep in the subnormal range of scores', { skip }, () => {
  for (const scale of [1e-21, 3e-22, 1e-22]) {
    const base = makeCase(6, 3000, 4, 6, 0);
    const cs = { ...base, x: Float32Array.from(base.x, (v) => v * scale), c: Float32Array.from(base.c, (v) => v * scale) };
    const expected = lloydOn(ref, cs);
    for (const { name, hp } of natives) {
      assertSameBits(lloydOn(hp, cs), expected, `${name}, scale ${scale}`);
    }
  }
});

test('lloyd on native: ties go to the first centroid, NaN never wins', { skip }, () => {
  const x = Float32Array.from([10001, 0, 10001, 5, 10000, 0, 10002, 0, 10001, -3, Number.NaN, 1]);
  const c = Float32Array.from([10000, 0, 10002, 0, Number.NaN, 0]);
  const cs = { n: 6, d: 2, k: 3, x, c };
  const expected = lloydOn(ref, cs);
  assert.deepEqual(Array.from(expected[0]!), [0, 0, 0, 1, 0, 0]);
  for (const { name, hp } of natives) {
    assertSameBits(lloydOn(hp, cs), expected, name);
  }
});

for (const [name, cs] of [
  ['float32, d=6, k=12', makeCase(4, 6000, 6, 12, 0)],
  ['float64, d=9, k=21', makeCase(4, 5000, 9, 21, 0, Float64Array)],
] as const) {
  test(`hamerly on native with hints for earlier centroids equals lloyd on ref; its bounds are bounds: ${name}`, { skip }, () => {
    const h = hints(cs, 21);
    const { moved, drift } = moveCentroids(cs, lcg(22), (next) => () => (next() < 0.5 ? 6 : 0));
    const now: Case = { ...cs, c: moved };
    const expected = lloydOn(ref, now);
    for (const { name: path, hp } of natives) {
      hp.scope(() => {
        const out = hp.run('hamerly', [hp.tensor(cs.x, [cs.n, cs.d]), hp.tensor(moved, [cs.k, cs.d]), hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), hp.tensor(drift, [cs.k])]);
        const got = out.map((t) => t.toArray() as ArrayLike<number>);
        assertSameBits(got, expected, path);
        const bounds = got[3]!;
        const labels = got[0]!;
        for (let i = 0; i < cs.n; i++) {
          assert.ok(bounds[2 * i]! >= distance(now, i, labels[i]!) * (1 - 1e-12), `${path}: upper bound of point ${i}`);
          for (let j = 0; j < cs.k; j++) {
            assert.ok(j === labels[i] || bounds[2 * i + 1]! <= distance(now, i, j) * (1 + 1e-12), `${path}: lower bound of point ${i} against centroid ${j}`);
          }
        }
        // A drift that is not a distance claims nothing: still lloyd's answer.
        const negative = hp.run('hamerly', [hp.tensor(cs.x, [cs.n, cs.d]), hp.tensor(moved, [cs.k, cs.d]), hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), hp.tensor(new Float64Array(cs.k).fill(-1), [cs.k])]);
        assertSameBits(negative.map((t) => t.toArray() as ArrayLike<number>), expected, `${path}, negative drift`);
      });
      assert.deepEqual(Object.keys(hp.stats().kernels.hamerly!.backends), ['native']);
    }
  });
}

for (const [name, oc] of [
  ['float32, d=33, k=20, 1e4 from the origin', offsetCase(13, 4500, 33, 20, 1e4)],
  ['float32, d=16, k=9', offsetCase(16, 2100, 16, 9, 37)],
  ['float64, d=19, k=13, 1e6 from the origin', offsetCase(15, 4097, 19, 13, 1e6, Float64Array)],
] as const) {
  test(`hamerly on native with an offset gives its outputs on x + offset (computed in the test) bit for bit, and lloyd's on ref: ${name}`, { skip }, () => {
    const cs = oc.centred;
    const h = hints(cs, 41);
    const expected = lloydOn(ref, cs);
    for (const { name: path, hp } of natives) {
      hp.scope(() => {
        const rest = [hp.tensor(cs.c, [cs.k, cs.d]), hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), hp.zeros([cs.k], 'float64')];
        const fused = hp.run('hamerly', [hp.tensor(oc.raw, [cs.n, cs.d]), ...rest, undefined, hp.tensor(oc.offset, [cs.d])]).map((t) => t.toArray() as ArrayLike<number>);
        const plain = hp.run('hamerly', [hp.tensor(cs.x, [cs.n, cs.d]), ...rest]).map((t) => t.toArray() as ArrayLike<number>);
        assertSameBits(fused, plain, `${path}: with the offset against x + offset`);
        assert.deepEqual(fused[3], plain[3], `${path}: bounds`);
        assertSameBits(fused, expected, `${path}: against lloyd on ref`);
      });
      assert.deepEqual(Object.keys(hp.stats().kernels.hamerly!.backends), ['native']);
    }
  });
}

/** Blobs in d dimensions around `centres` random centres, some points far out. */
function blobs(n: number, d: number, seed: number): Float32Array {
  const next = lcg(seed);
  const centres = Array.from({ length: 7 * d }, () => (next() - 0.5) * 40);
  return Float32Array.from({ length: n * d }, (_, e) => centres[(Math.floor(e / d) % 7) * d + (e % d)]! + (next() - 0.5) * 6);
}

const bits = (t: Tensor): string => Buffer.from(new Uint8Array((t.toArray() as Float32Array | Int32Array).buffer)).toString('hex');

test('hp.kmeans on native gives the labels and centroids of ref and wasm, bit for bit', { skip }, async () => {
  const n = 5000;
  const d = 11;
  const points = blobs(n, d, 41);
  const fit = (hp: Runtime): string[] => {
    const r = hp.kmeans(hp.tensor(points, [n, d]), { k: 9, seed: 5, maxIter: 30 });
    return [bits(r.labels), bits(r.centroids), String(r.inertia), String(r.iterations)];
  };
  const expected = fit(ref);
  const wasm = await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 2, parallelThreshold: 0 });
  assert.deepEqual(fit(wasm), expected, 'wasm');
  await wasm.close();
  for (const isa of nativePaths) {
    for (const threads of [1, 2]) {
      const hp = await createRuntime({ threads, parallelThreshold: 0, native: { isa } });
      assert.deepEqual(fit(hp), expected, `native ${isa}, ${threads} threads`);
      const kernels = hp.stats().kernels;
      assert.deepEqual(Object.keys(kernels.hamerly?.backends ?? {}), ['native'], `${isa}: hamerly ran on native`);
      await hp.close();
    }
  }
});
