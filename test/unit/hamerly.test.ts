/**
 * The hamerly kernel: given valid hints (labels and Hamerly bounds for the current centroids,
 * computed here by plain float64 loops, with random slack), its labels, sums and counts are the
 * lloyd kernel's on ref, bit for bit, on 1 and 2 threads, for float32 and float64 points; invalid-looking hints ([Infinity, 0])
 * change nothing; the bounds it returns are valid bounds; with an offset, its outputs are those
 * on x + offset (computed in the test) bit for bit.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRuntime, type Runtime } from '../../src/index.js';
import { lcg } from '../helpers.js';
import { distance, hints, makeCase, moveCentroids, offsetCase } from '../lloydCases.js';

let ref: Runtime;
const wasm: Runtime[] = [];

before(async () => {
  ref = await createRuntime({ backends: ['ref'] });
  wasm.push(await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 1 }));
  wasm.push(await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 2, parallelThreshold: 0 }));
});

after(async () => {
  await ref.close();
  for (const hp of wasm) {
    await hp.close();
  }
});

for (const [name, cs] of [
  ['clustered, d=5, k=13', makeCase(1, 5000, 5, 13, 0)],
  ['far from the origin (1e4), d=16, k=8', makeCase(2, 4500, 16, 8, 1e4)],
  ['k=1', makeCase(3, 300, 3, 1, 0)],
  ['float64, clustered, d=5, k=13', makeCase(1, 5000, 5, 13, 0, Float64Array)],
  ['float64, far from the origin (1e6), d=16, k=8', makeCase(2, 4500, 16, 8, 1e6, Float64Array)],
  ['float64, k=1', makeCase(3, 300, 3, 1, 0, Float64Array)],
] as const) {
  test(`hamerly with valid hints equals lloyd on ref: ${name}`, () => {
    const expected = ref.scope(() => ref.run('lloyd', [ref.tensor(cs.x, [cs.n, cs.d]), ref.tensor(cs.c, [cs.k, cs.d])]).map((t) => t.toArray()));
    for (const hp of wasm) {
      for (const seed of [11, 12]) {
        hp.scope(() => {
          const h = hints(cs, seed);
          const out = hp.run('hamerly', [hp.tensor(cs.x, [cs.n, cs.d]), hp.tensor(cs.c, [cs.k, cs.d]), hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), hp.zeros([cs.k], 'float64')]);
          assert.deepEqual(out[0]!.toArray(), expected[0], 'labels');
          assert.deepEqual(out[1]!.toArray(), expected[1], 'sums');
          assert.deepEqual(out[2]!.toArray(), expected[2], 'counts');
          const bounds = out[3]!.toArray() as Float64Array;
          const labels = out[0]!.toArray() as Int32Array;
          for (let i = 0; i < cs.n; i++) {
            const own = distance(cs, i, labels[i]!);
            assert.ok(bounds[2 * i]! >= own * (1 - 1e-12), `upper bound of point ${i}`);
            for (let j = 0; j < cs.k; j++) {
              if (j !== labels[i]) {
                assert.ok(bounds[2 * i + 1]! <= distance(cs, i, j) * (1 + 1e-12), `lower bound of point ${i} against centroid ${j}`);
              }
            }
          }
        });
      }
    }
  });
}

for (const [how, moveOf, array] of [
  // Half the centroids move by up to a few units: far enough to change many labels.
  ['half the centroids move', (next: () => number) => (_j: number) => (next() < 0.5 ? 6 : 0), Float32Array],
  // One centroid moves far, the others stay: only the upper bounds of its own points widen.
  ['one centroid moves far', () => (j: number) => (j === 0 ? 12 : 0), Float32Array],
  ['float64, half the centroids move', (next: () => number) => (_j: number) => (next() < 0.5 ? 6 : 0), Float64Array],
] as const) {
  test(`hamerly with bounds for earlier centroids and how far each moved equals lloyd on the new ones: ${how}`, () => {
    const cs = makeCase(4, 6000, 6, 12, 0, array);
    const h = hints(cs, 21);
    const { moved, drift } = moveCentroids(cs, lcg(22), moveOf);
    const expected = ref.scope(() => ref.run('lloyd', [ref.tensor(cs.x, [cs.n, cs.d]), ref.tensor(moved, [cs.k, cs.d])]).map((t) => t.toArray()));
    for (const hp of wasm) {
      hp.scope(() => {
        const out = hp.run('hamerly', [hp.tensor(cs.x, [cs.n, cs.d]), hp.tensor(moved, [cs.k, cs.d]), hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), hp.tensor(drift, [cs.k])]);
        assert.deepEqual(out[0]!.toArray(), expected[0], 'labels');
        assert.deepEqual(out[1]!.toArray(), expected[1], 'sums');
        assert.deepEqual(out[2]!.toArray(), expected[2], 'counts');
      });
    }
  });
}

test('hamerly rejects hints of the wrong shape', () => {
  ref.scope(() => {
    const x = ref.tensor(new Float32Array(6), [3, 2]);
    const c = ref.tensor(new Float32Array(4), [2, 2]);
    const drift = ref.zeros([2], 'float64');
    assert.throws(() => ref.run('hamerly', [x, c, ref.zeros([2], 'int32'), ref.zeros([3, 2], 'float64'), drift]), { code: 'SHAPE' });
    assert.throws(() => ref.run('hamerly', [x, c, ref.zeros([3], 'int32'), ref.zeros([3], 'float64'), drift]), { code: 'SHAPE' });
    assert.throws(() => ref.run('hamerly', [x, c, ref.zeros([3], 'int32'), ref.zeros([3, 2], 'float64'), ref.zeros([3], 'float64')]), { code: 'SHAPE' });
    assert.throws(() => ref.run('hamerly', [x, c, ref.zeros([3], 'float32'), ref.zeros([3, 2], 'float64'), drift]), { code: 'DTYPE' });
  });
});

test('hamerly: hint labels out of range, negative drift and a strided one-row bounds view make no claim', () => {
  const cs = makeCase(5, 300, 3, 4, 0);
  const expected = ref.scope(() => ref.run('lloyd', [ref.tensor(cs.x, [cs.n, cs.d]), ref.tensor(cs.c, [cs.k, cs.d])]).map((t) => t.toArray()));
  // Bounds [0, Infinity] would "prove" any hinted label: only valid labels may be believed.
  const bad = new Int32Array(cs.n).map((_, i) => [cs.k, 100000, -1, -553][i % 4]!);
  const claim = new Float64Array(2 * cs.n).map((_, e) => (e % 2 === 0 ? 0 : Infinity));
  for (const hp of wasm) {
    hp.scope(() => {
      const x = hp.tensor(cs.x, [cs.n, cs.d]);
      const c = hp.tensor(cs.c, [cs.k, cs.d]);
      const out = hp.run('hamerly', [x, c, hp.tensor(bad, [cs.n]), hp.tensor(claim, [cs.n, 2]), hp.zeros([cs.k], 'float64')]);
      assert.deepEqual(out[0]!.toArray(), expected[0]);
      assert.deepEqual(out[2]!.toArray(), expected[2]);
      const h = hints(cs, 31);
      const negative = hp.tensor(new Float64Array(cs.k).fill(-1), [cs.k]);
      const again = hp.run('hamerly', [x, c, hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), negative]);
      assert.deepEqual(again[0]!.toArray(), expected[0]);
      assert.deepEqual(again[1]!.toArray(), expected[1]);
    });
  }
  // One point, bounds read through strides [5, 4]: the valid pair is [5, 0] (no claim), the
  // element right after the first is 100, which would wrongly prove label 0.
  for (const hp of [ref, ...wasm]) {
    hp.scope(() => {
      const x = hp.tensor(new Float32Array([3, 0]), [1, 2]);
      const c = hp.tensor(new Float32Array([0, 0, 3, 0]), [2, 2]);
      const base = hp.tensor(new Float64Array([5, 100, 0, 0, 0]), [1, 5]);
      const bounds = base.slice(null, [0, 5, 4]).reshape([1, 2]);
      const out = hp.run('hamerly', [x, c, hp.tensor(new Int32Array([0]), [1]), bounds, hp.zeros([2], 'float64')]);
      assert.deepEqual(Array.from(out[0]!.toArray() as Int32Array), [1]);
    });
  }
});

test('lloyd: labels equal the reference for values deep in float32\'s subnormal range of scores', () => {
  for (const scale of [1e-21, 3e-22, 1e-22]) {
    const cs = makeCase(6, 3000, 4, 6, 0);
    const x = Float32Array.from(cs.x, (v) => v * scale);
    const c = Float32Array.from(cs.c, (v) => v * scale);
    const expected = ref.scope(() => ref.run('lloyd', [ref.tensor(x, [cs.n, cs.d]), ref.tensor(c, [cs.k, cs.d])])[0]!.toArray());
    for (const hp of wasm) {
      const got = hp.scope(() => hp.run('lloyd', [hp.tensor(x, [cs.n, cs.d]), hp.tensor(c, [cs.k, cs.d])])[0]!.toArray());
      assert.deepEqual(got, expected, `scale ${scale}`);
    }
  }
});

for (const [name, oc] of [
  ['float32, d=33, k=20, 1e4 from the origin', offsetCase(13, 4500, 33, 20, 1e4)],
  ['float32, d=3, k=5', offsetCase(14, 2100, 3, 5, 37)],
  ['float64, d=19, k=13, 1e6 from the origin', offsetCase(15, 4097, 19, 13, 1e6, Float64Array)],
] as const) {
  test(`hamerly with an offset gives its outputs on x + offset (computed in the test) bit for bit, and lloyd's on them: ${name}`, () => {
    const cs = oc.centred;
    const h = hints(cs, 41);
    const expected = ref.scope(() => ref.run('lloyd', [ref.tensor(cs.x, [cs.n, cs.d]), ref.tensor(cs.c, [cs.k, cs.d])]).map((t) => t.toArray()));
    for (const hp of [ref, ...wasm]) {
      hp.scope(() => {
        const rest = [hp.tensor(cs.c, [cs.k, cs.d]), hp.tensor(h.labels, [cs.n]), hp.tensor(h.bounds, [cs.n, 2]), hp.zeros([cs.k], 'float64')];
        const fused = hp.run('hamerly', [hp.tensor(oc.raw, [cs.n, cs.d]), ...rest, undefined, hp.tensor(oc.offset, [cs.d])]).map((t) => t.toArray());
        const plain = hp.run('hamerly', [hp.tensor(cs.x, [cs.n, cs.d]), ...rest]).map((t) => t.toArray());
        assert.deepEqual(fused, plain, 'labels, sums, counts and bounds');
        assert.deepEqual(fused.slice(0, 3), expected, "lloyd's labels, sums and counts");
      });
    }
  });
}

test('hamerly rejects an offset of the wrong shape or dtype', () => {
  ref.scope(() => {
    const x = ref.tensor(new Float32Array(6), [3, 2]);
    const rest = [ref.tensor(new Float32Array(2), [1, 2]), ref.zeros([3], 'int32'), ref.zeros([3, 2], 'float64'), ref.zeros([1], 'float64'), undefined];
    assert.throws(() => ref.run('hamerly', [x, ...rest, ref.zeros([3], 'float32')]), (e: unknown) => e instanceof Error && 'code' in e && e.code === 'SHAPE' && e.message.startsWith('hamerly: offset does not match the features'));
    assert.throws(() => ref.run('hamerly', [x, ...rest, ref.zeros([2], 'float64')]), { code: 'DTYPE' });
  });
});

test('hamerly names itself in the errors it shares with lloyd', () => {
  ref.scope(() => {
    const x = ref.tensor(new Float32Array(6), [3, 2]);
    const c = ref.tensor(new Float32Array(3), [1, 3]);
    assert.throws(() => ref.run('hamerly', [x, c, ref.zeros([3], 'int32'), ref.zeros([3, 2], 'float64'), ref.zeros([1], 'float64')]), (e: unknown) => e instanceof Error && 'code' in e && e.code === 'SHAPE' && e.message.startsWith('hamerly: x and centroids have different numbers of features'));
  });
});
