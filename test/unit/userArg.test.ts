/**
 * reduce kernels with combine 'argmin' / 'argmax': the flat index (C order of the broadcast
 * inputs) of the first smallest / largest element value and that value, the first NaN when there
 * is one, as numpy's argmin/argmax; the same index on 1 and 2 threads, across chunk boundaries;
 * an empty input is refused with numpy's message. The oracle is a plain loop here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CHUNK } from '../../src/backends/wasm/user.js';
import { createRuntime, HotpathError, type Runtime } from '../../src/index.js';
import { reduce, type f32 } from '../../src/user/kernel.js';
import { closest, worstError } from '../kernels/basic.js';

/** numpy's argmax / argmin of `values`: the first NaN, else the first extreme. */
function npArg(values: ArrayLike<number>, largest: boolean): number {
  let at = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      return i;
    }
    if (at < 0 || (largest ? v > values[at]! : v < values[at]!)) {
      at = i;
    }
  }
  return at;
}

function seeded(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.round((s / 2 ** 32) * 64) / 8; // few distinct values: many ties
  });
}

describe('reduce argmin / argmax', () => {
  const runtimes: Record<string, Runtime> = {};
  before(async () => {
    runtimes.ref = await createRuntime({ require: 'ref' });
    runtimes.wasm1 = await createRuntime({ require: 'wasm', threads: 1 });
    runtimes.wasm2 = await createRuntime({ require: 'wasm', threads: 2, parallelThreshold: 0 });
    for (const rt of Object.values(runtimes)) {
      await rt.load([worstError, closest]);
    }
  });
  after(async () => {
    for (const rt of Object.values(runtimes)) {
      await rt.close();
    }
  });

  test('first largest squared error, ties and NaN as numpy, on every backend and thread count', () => {
    for (const n of [1, 3, 4, 5, 17, CHUNK - 1, CHUNK, CHUNK + 3, 3 * CHUNK + 5, 100_003]) {
      for (const nan of [[], [Math.floor(n / 2), n - 1], [n - 1]]) {
        const pred = seeded(n, n);
        const target = seeded(n, n + 1);
        nan.forEach((i) => (pred[i] = Number.NaN));
        const errors = Array.from(pred, (p, i) => (p - target[i]!) * (p - target[i]!));
        const want = npArg(errors, true);
        for (const [name, rt] of Object.entries(runtimes)) {
          const [index, value] = rt.run(worstError, [rt.tensor(pred, [n]), rt.tensor(target, [n])]);
          assert.equal(index!.dtype, 'int32');
          assert.deepEqual(index!.shape, []);
          assert.equal(index!.item(), want, `${name} n=${n} NaN at ${nan.join(',')}`);
          assert.ok(Object.is(value!.item(), Math.fround(errors[want]!)) || (Number.isNaN(value!.item()) && Number.isNaN(errors[want]!)), `${name} n=${n}: value ${value!.item()} vs ${errors[want]}`);
        }
      }
    }
  });

  test('argmin over broadcast inputs and a transposed view: the flat index of the broadcast space', () => {
    const a = seeded(40, 3);
    const b = seeded(33, 4);
    const values = Array.from({ length: 40 * 33 }, (_, f) => Math.abs(a[Math.floor(f / 33)]! - b[f % 33]!));
    const want = npArg(values, false);
    for (const [name, rt] of Object.entries(runtimes)) {
      const [index] = rt.run(closest, [rt.tensor(a, [40, 1]), rt.tensor(b, [1, 33])]);
      assert.equal(index!.item(), want, name);
    }
    // [5, 7] as the transpose of a [7, 5] buffer against a row: C order of the view's shape.
    const buffer = seeded(35, 5);
    const row = seeded(7, 6);
    const viewValues = Array.from({ length: 35 }, (_, f) => Math.abs(buffer[(f % 7) * 5 + Math.floor(f / 7)]! - row[f % 7]!));
    for (const [name, rt] of Object.entries(runtimes)) {
      const [index] = rt.run(closest, [rt.tensor(buffer, [7, 5]).transpose(), rt.tensor(row, [1, 7])]);
      assert.equal(index!.item(), npArg(viewValues, false), `${name} transposed`);
    }
  });

  test('an empty input is refused with numpy\'s message; an unknown combine at declaration', () => {
    for (const rt of Object.values(runtimes)) {
      assert.throws(
        () => rt.run(worstError, [rt.tensor(new Float32Array(0), [0]), rt.tensor(new Float32Array(0), [0])]),
        (e: unknown) => e instanceof HotpathError && e.code === 'SHAPE' && /attempt to get argmax of an empty sequence/.test(e.message),
      );
    }
    assert.throws(
      () => reduce({ name: 'bad', inputs: ['x'], combine: 'median' as never, element: (x: f32): f32 => x }),
      (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /'argmin' or 'argmax'/.test(e.message),
    );
  });
});
