/**
 * float64 softmax, logSoftmax and layerNorm on wasm (f64x2, every thread), on 1 thread and on
 * 2 threads with every call split: softmax and logSoftmax within their declared tolerances of
 * ref (contiguous and strided lines, shifts past exp's underflow, NaN and Infinity), the f64x2
 * exp within 2 ulp of Math.exp over [-708, 0] (read through softmax([0, d])), layerNorm bit-equal
 * to ref (it performs ref's operations in ref's order), far from the origin and with scale and
 * bias. Expected values are ref's or Math.exp's.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KERNELS, type Runtime, type Tensor } from '../../src/index.js';
import { toleranceOf, type AnyKernelDef } from '../../src/kernels/kernel.js';
import { compare, describeWorst } from '../../src/kernels/tolerance.js';
import { closeRefAndWasmOnly, lcg, openRefAndWasmOnly, type RefAndWasmOnly } from '../helpers.js';

let runtimes: RefAndWasmOnly;
let ref: Runtime;
let wasm: RefAndWasmOnly['wasm'];

before(async () => {
  runtimes = await openRefAndWasmOnly();
  ({ ref, wasm } = runtimes);
});

after(() => closeRefAndWasmOnly(runtimes));

function values(seed: number, count: number, offset: number, spread: number): Float64Array {
  const next = lcg(seed);
  return Float64Array.from({ length: count }, () => offset + (2 * next() - 1) * spread);
}

type Make = (hp: Runtime) => Tensor;

/** softmax and logSoftmax of make(hp) along `axis` on each wasm runtime, within the declared tolerance of ref. */
function assertAxisAgrees(label: string, make: Make, axis: number): void {
  for (const kernel of ['softmax', 'logSoftmax'] as const) {
    const def = KERNELS[kernel] as unknown as AnyKernelDef;
    const { expected, tolerance } = ref.scope(() => {
      const x = make(ref);
      return { expected: ref.run(kernel, [x], { axis })[0]!.toArray() as Float64Array, tolerance: toleranceOf(def, def.infer([x], { axis })) };
    });
    for (const { name, hp } of wasm) {
      const got = hp.scope(() => hp.run(kernel, [make(hp)], { axis })[0]!.toArray() as Float64Array);
      const result = compare({ tolerance, dtype: 'float64', actual: got, expected });
      assert.ok(result.ok, `${label}, ${kernel}, axis ${axis}, ${name}: ${describeWorst(result)}`);
    }
  }
}

test('softmax and logSoftmax float64 on wasm: within the declared tolerance of ref', () => {
  for (const [label, shape, spread] of [
    ['[7,33], values within 5', [7, 33], 5],
    ['[4,3,130], values within 300', [4, 3, 130], 300],
    ['[3,200], shifts past exp\'s underflow (values within 500)', [3, 200], 500],
    ['[2,1]', [2, 1], 1],
  ] as const) {
    const xs = values(shape.length * 7 + shape[shape.length - 1]!, (shape as readonly number[]).reduce((a, b) => a * b, 1), 0, spread);
    for (let axis = 0; axis < shape.length; axis++) {
      assertAxisAgrees(label, (hp) => hp.tensor(xs, [...shape]), axis);
    }
  }
  // Far from the origin, and a transposed view (strided lines).
  const far = values(9, 6 * 17, 1e12, 40);
  assertAxisAgrees('far from the origin (1e12)', (hp) => hp.tensor(far, [6, 17]), 1);
  assertAxisAgrees('transposed view', (hp) => hp.tensor(far, [17, 6]).transpose([1, 0]), 1);
});

test('softmax and logSoftmax float64 on wasm: NaN and Infinity as ref', () => {
  const n = Number.NaN;
  const lines = Float64Array.from([n, 1, 2, 3, 1, 2, 3, n, Infinity, 0, 1, 2, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 0, 5, -Infinity, 1e308, -1e308, 0, 1]);
  assertAxisAgrees('non-finite lines', (hp) => hp.tensor(lines, [6, 4]), 1);
});

test('the float64 exp is within 2 ulp of Math.exp over [-708, 0] (softmax([0, d])[1])', () => {
  const count = 20000;
  const next = lcg(5);
  const pairs = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    // Below -37, 1 + e^d rounds to 1, so softmax([0, d])[1] = e^d / 1.
    pairs[2 * i + 1] = -37 - next() * (708 - 37);
  }
  for (const { name, hp } of wasm) {
    const y = hp.scope(() => hp.softmax(hp.tensor(pairs, [count, 2])).toArray() as Float64Array);
    let worst = 0;
    for (let i = 0; i < count; i++) {
      const e = Math.exp(pairs[2 * i + 1]!);
      const ulp = 2 ** (Math.floor(Math.log2(e)) - 52);
      worst = Math.max(worst, Math.abs(y[2 * i + 1]! - e) / ulp);
      assert.equal(y[2 * i], 1);
    }
    assert.ok(worst <= 2, `${name}: ${worst} ulp`);
  }
});

/** layerNorm on each wasm runtime equals ref's, bit for bit (all three outputs). */
function assertLayerNormEqual(label: string, make: (hp: Runtime) => (Tensor | undefined)[], axis: number, epsilon = 1e-5): void {
  const expected = ref.scope(() => ref.run('layerNorm', make(ref), { axis, epsilon }).map((t) => t.toArray()));
  for (const { name, hp } of wasm) {
    const got = hp.scope(() => hp.run('layerNorm', make(hp), { axis, epsilon }).map((t) => t.toArray()));
    assert.deepEqual(got, expected, `${label}, ${name}`);
  }
}

test('layerNorm float64 on wasm: bit-equal to ref', () => {
  const x = values(1, 5 * 37, 0, 3);
  const scale = values(2, 37, 1, 0.5);
  const bias = values(3, 37, 0, 2);
  assertLayerNormEqual('[5,37]', (hp) => [hp.tensor(x, [5, 37])], -1);
  assertLayerNormEqual('[5,37] with scale and bias', (hp) => [hp.tensor(x, [5, 37]), hp.tensor(scale), hp.tensor(bias)], -1);
  assertLayerNormEqual('[5,37] with bias only', (hp) => [hp.tensor(x, [5, 37]), undefined, hp.tensor(bias)], -1);
  const y = values(4, 3 * 4 * 6, 0, 10);
  assertLayerNormEqual('[3,4,6] over the last two dims', (hp) => [hp.tensor(y, [3, 4, 6])], 1, 0.25);
  assertLayerNormEqual('far from the origin (1e6 + noise)', (hp) => [hp.tensor(values(5, 4 * 101, 1e6, 1e-3), [4, 101])], -1);
  assertLayerNormEqual('large magnitudes (1e150: squares overflow)', (hp) => [hp.tensor(values(6, 3 * 8, 0, 1e160), [3, 8])], -1);
  assertLayerNormEqual('one element per group, epsilon 0', (hp) => [hp.tensor(values(7, 6, 0, 1), [6, 1])], -1, 0);
  const special = Float64Array.from([Number.NaN, 1, 2, 3, Infinity, 0, -0, 0, -0, -0, -0, -0]);
  assertLayerNormEqual('NaN, Infinity and signed zeros', (hp) => [hp.tensor(special, [3, 4])], -1, 0);
  // Outer dims strided: every other group of a larger tensor.
  const big = values(8, 10 * 12, 5, 5);
  assertLayerNormEqual('every other group', (hp) => [hp.tensor(big, [10, 12]).slice([0, 10, 2], null)], -1);
});
