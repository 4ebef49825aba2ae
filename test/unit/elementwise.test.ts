/**
 * The element-wise kernels of issue 8 on every available backend, against values known
 * independently of hotpath: numpy's documented semantics (round half to even, integer division,
 * NaN propagation, astype), exact integer arithmetic done here with BigInt, and IEEE facts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createRuntime, type KernelName, type Tensor } from '../../src/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { codeOf, values } from '../helpers.js';

const hp = await createRuntime({ threads: 2 });
after(() => hp.close());
const backends = hp.backends().filter((b) => b.available).map((b) => b.name);

function t(data: number[] | bigint[] | boolean[], dtype: DType, shape?: number[]): Tensor {
  return hp.tensor(data as number[], shape, { dtype });
}

/** Same elements, NaN equal to NaN; -0 and 0 compare equal (the kernels' exact tolerance). */
function same(actual: (number | bigint)[], expected: (number | bigint)[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    const ok = a === e || (typeof a === 'number' && typeof e === 'number' && Number.isNaN(a) && Number.isNaN(e));
    assert.ok(ok, `${what}: element ${i} is ${String(a)}, expected ${String(e)}`);
  });
}

for (const backend of backends) {
  describe(`element-wise on ${backend}`, () => {
    const run = (kernel: KernelName, inputs: Tensor[], attrs: object = {}): Tensor => hp.run(kernel, inputs, attrs as never, { backend: backend === 'ref' ? 'ref' : undefined })[0]!;
    const check = (kernel: KernelName, inputs: Tensor[], expected: (number | bigint)[], attrs: object = {}, dtype?: DType): void => {
      hp.scope(() => {
        const out = run(kernel, inputs, attrs);
        if (dtype !== undefined) {
          assert.equal(out.dtype, dtype, `${kernel} dtype`);
        }
        same(values(out), expected, `${kernel} on ${backend}`);
      });
    };

    test('round halves to even, as numpy.round and ONNX Round', () => {
      check('round', [t([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 1e20, NaN], 'float32')], [0, 2, 2, -0, -2, -2, 2, -3, Math.fround(1e20), NaN]);
      check('round', [t([4503599627370495.5, 0.49999999999999994], 'float64')], [4503599627370496, 0]);
    });

    test('floor, ceil, sign, abs, neg keep NaN and the edges of each dtype', () => {
      check('floor', [t([-1.5, 1.5, -0, NaN], 'float32')], [-2, 1, -0, NaN]);
      check('ceil', [t([-1.5, 1.5, -0.5, NaN], 'float64')], [-1, 2, -0, NaN]);
      check('sign', [t([-3, 0, -0, 2, NaN, -Infinity], 'float32')], [-1, 0, 0, 1, NaN, -1]);
      check('sign', [t([-5n, 0n, 7n], 'int64')], [-1n, 0n, 1n]);
      check('abs', [t([-128, 5, -3], 'int8')], [-128, 5, 3], {}, 'int8');
      check('neg', [t([-2147483648, 5], 'int32')], [-2147483648, -5]);
      check('abs', [t([-Infinity, -0, NaN], 'float64')], [Infinity, 0, NaN]);
    });

    test('integer division truncates toward zero; x / 0 is 0; float division is IEEE', () => {
      check('div', [t([7, -7, 7, -7, 5, -128], 'int8'), t([2, 2, -2, -2, 0, -1], 'int8')], [3, -3, -3, 3, 0, -128]);
      check('div', [t([7n, -7n, 1n], 'int64'), t([2n, 2n, 0n], 'int64')], [3n, -3n, 0n]);
      check('div', [t([1, -1, 0, 1], 'float32'), t([0, 0, 0, 3], 'float32')], [Infinity, -Infinity, NaN, Math.fround(1 / 3)]);
      check('div', [t([4000000000], 'uint32'), t([3], 'uint32')], [1333333333]);
    });

    test('sub wraps integers and broadcasts', () => {
      check('sub', [t([0, 255], 'uint8'), t([1], 'uint8')], [255, 254]);
      check('sub', [t([1, 2, 3, 4, 5, 6], 'float32', [2, 3]), t([1, 2, 3], 'float32')], [0, 0, 0, 3, 3, 3]);
    });

    test('pow: output in the base dtype; exact wrapped integer powers; mixed exponent dtypes', () => {
      check('pow', [t([2], 'int32'), t([31], 'int32')], [-2147483648]);
      // 3^40 = 12157665459056928801, wrapped into int64 (BigInt here is the independent oracle).
      check('pow', [t([3n], 'int64'), t([40n], 'int64')], [BigInt.asIntN(64, 3n ** 40n)]);
      check('pow', [t([2, -1, 1, 5], 'int32'), t([-1, -3, -7, 0], 'int32')], [0, -1, 1, 1]);
      check('pow', [t([2, 3], 'float32'), t([10n, 3n], 'int64')], [1024, 27], {}, 'float32');
      check('pow', [t([1, 2, 3], 'int32'), t([4, 5, 6], 'float32')], [1, 32, 729], {}, 'int32');
      check('pow', [t([-8, NaN, 4], 'float64'), t([1 / 3, 0, 0.5], 'float64')], [NaN, 1, 2]);
    });

    test('max and min propagate NaN and fold like ONNX Max/Min', () => {
      check('max', [t([NaN, 1, 3], 'float32'), t([0, NaN, 2], 'float32')], [NaN, NaN, 3]);
      check('min', [t([NaN, 1, 3], 'float64'), t([0, NaN, 2], 'float64')], [NaN, NaN, 2]);
      check('max', [t([-5n, 9223372036854775807n], 'int64'), t([-6n, 0n], 'int64')], [-5n, 9223372036854775807n]);
      check('min', [t([200, 3], 'uint8'), t([100, 4], 'uint8')], [100, 3]);
    });

    test('comparisons give bool; NaN compares false; int64 compares exactly', () => {
      check('less', [t([1, NaN, 3], 'float32'), t([2, 1, 3], 'float32')], [1, 0, 0], {}, 'bool');
      check('greater', [t([1, NaN, 4], 'float64'), t([2, 1, 3], 'float64')], [0, 0, 1], {}, 'bool');
      check('equal', [t([NaN, 0, 1], 'float32'), t([NaN, -0, 2], 'float32')], [0, 1, 0], {}, 'bool');
      check('equal', [t([2n ** 62n + 1n], 'int64'), t([2n ** 62n], 'int64')], [0], {}, 'bool');
      check('equal', [t([true, false], 'bool'), t([true, true], 'bool')], [1, 0], {}, 'bool');
    });

    test('and, or, not on bool with broadcasting', () => {
      check('and', [t([true, true, false, false], 'bool', [2, 2]), t([true, false], 'bool')], [1, 0, 0, 0]);
      check('or', [t([true, true, false, false], 'bool', [2, 2]), t([true, false], 'bool')], [1, 1, 1, 0]);
      check('not', [t([true, false], 'bool')], [0, 1], {}, 'bool');
    });

    test('where broadcasts all three operands', () => {
      check('where', [t([true, false], 'bool', [2, 1]), t([1, 2, 3], 'float32'), t([0], 'float32', [])], [1, 2, 3, 0, 0, 0]);
      check('where', [t([true, false], 'bool'), t([1n, 2n], 'int64'), t([-1n, -2n], 'int64')], [1n, -2n]);
    });

    test('clip: absent bounds, NaN kept, min > max gives max', () => {
      check('clip', [t([-5, 0, 5, NaN], 'float32')], [-5, 0, 5, NaN]);
      check('clip', [t([-5, 0, 5, NaN], 'float32')], [-1, 0, 1, NaN], { min: -1, max: 1 });
      check('clip', [t([-5, 0, 5], 'int8')], [2, 2, 2], { min: 3, max: 2 });
      check('clip', [t([-5n, 7n], 'int64')], [0n, 7n], { min: 0 });
    });

    test('cast follows numpy astype: truncation, wrap, NaN -> 0 for integers, != 0 for bool', () => {
      check('cast', [t([-1.7, 2.9, NaN, Infinity, 300], 'float32')], [-1, 2, 0, 0, 44], { to: 'int8' }, 'int8');
      check('cast', [t([0, -0, NaN, 2], 'float64')], [0, 0, 1, 1], { to: 'bool' }, 'bool');
      check('cast', [t([true, false], 'bool')], [1, 0], { to: 'float32' }, 'float32');
      check('cast', [t([0.1, 1e300], 'float64')], [Math.fround(0.1), Infinity], { to: 'float32' }, 'float32');
      check('cast', [t([-2.5, 1e19], 'float64')], [-2n, BigInt.asIntN(64, 10000000000000000000n)], { to: 'int64' }, 'int64');
      check('cast', [t([0.1, -3], 'float32')], [Math.fround(0.1), -3], { to: 'float64' }, 'float64');
    });

    test('sigmoid, softplus, tanh, exp and log at the edges', () => {
      check('sigmoid', [t([-1000, 0, 1000, NaN], 'float32')], [0, 0.5, 1, NaN]);
      check('softplus', [t([1000, -1000, 0, NaN], 'float64')], [1000, 0, Math.LN2, NaN]);
      check('tanh', [t([-Infinity, 0, 50, NaN], 'float32')], [-1, 0, 1, NaN]);
      check('exp', [t([-Infinity, 0, 1000, NaN], 'float64')], [0, 1, Infinity, NaN]);
      check('log', [t([0, 1, -1, Infinity], 'float32')], [-Infinity, 0, NaN, Infinity]);
      check('sqrt', [t([4, -1, Infinity, -0], 'float32')], [2, NaN, Infinity, -0]);
      check('reciprocal', [t([4, -0, Infinity], 'float64')], [0.25, -Infinity, 0]);
    });

    test('leakyRelu, elu, selu, hardSigmoid use their attributes', () => {
      check('leakyRelu', [t([-2, 3, NaN], 'float64')], [-0.2, 3, NaN], { alpha: 0.1 });
      check('elu', [t([-Infinity, 2], 'float64')], [-2, 2], { alpha: 2 });
      check('selu', [t([-Infinity, 1], 'float64')], [-6, 3], { alpha: 2, gamma: 3 });
      check('hardSigmoid', [t([-10, 0, 10, NaN], 'float32')], [0, 0.5, 1, NaN], { alpha: 0.5, beta: 0.5 });
    });
  });
}

// float32 exp, tanh and sigmoid on wasm have their own loops: two vectors a step in contiguous
// rows (exp leaves that loop at a lane beyond its one-scale range, |x| > 87.3), single vectors,
// and gathered lanes for strided views and row tails. Each lane's result must depend on its
// value alone: the same values, laid out contiguously and as a transposed view, give the same
// bits, and stay within the declared 4-ulp tolerance of float64 Math (with the absolute
// 4 * 2^-126 allowed below the smallest normal).
test('float32 exp, tanh and sigmoid on wasm: contiguous, after a wide lane and strided agree', { skip: !backends.includes('wasm') }, () => {
  const [rows, cols] = [3, 1030];
  const data = new Float32Array(rows * cols);
  let s = 7;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = (s / 2 ** 32) * 24 - 12;
  }
  // Wide lanes for exp mid-row (subnormal and overflowing results, +-Inf), NaN and -0.
  const specials = [-95, 88.5, -Infinity, Infinity, NaN, -0, 100, -1000];
  specials.forEach((v, k) => (data[cols + 517 + 3 * k] = v));
  const math = { exp: Math.exp, tanh: Math.tanh, sigmoid: (x: number) => 1 / (1 + Math.exp(-x)) };
  for (const kernel of ['exp', 'tanh', 'sigmoid'] as const) {
    hp.scope(() => {
      const x = hp.tensor(data, [rows, cols]);
      const transposed = new Float32Array(data.length);
      data.forEach((v, i) => (transposed[(i % cols) * rows + Math.floor(i / cols)] = v));
      const view = hp.tensor(transposed, [cols, rows]).transpose();
      const a = hp.run(kernel, [x], {}, { backend: 'wasm' })[0]!.toArray() as Float32Array;
      const b = hp.run(kernel, [view], {}, { backend: 'wasm' })[0]!.toArray() as Float32Array;
      data.forEach((v, i) => {
        assert.ok(Object.is(a[i], b[i]), `${kernel}(${v}) at ${i}: ${a[i]} contiguous, ${b[i]} strided`);
        const e = Math.fround(math[kernel](v));
        const ok = Object.is(a[i], e) || Math.abs(a[i]! - e) <= 4 * (2 ** -23 * Math.abs(e) + 2 ** -126);
        assert.ok(ok, `${kernel}(${v}) at ${i} is ${a[i]}, expected ${e}`);
      });
    });
  }
});

test('astype on the tensor and on the runtime, and cast, all make a new tensor of the dtype', () => {
  hp.scope(() => {
    const x = hp.tensor([1.5, -2.5], [2], { dtype: 'float64' });
    same(values(x.astype('int32')), [1, -2], 'tensor.astype');
    assert.equal(hp.astype(x, 'float32').dtype, 'float32');
    assert.equal(hp.cast(x, 'bool').dtype, 'bool');
  });
});

test('bad dtypes and attributes are coded errors', () => {
  hp.scope(() => {
    const i = hp.tensor([1, 2], [2], { dtype: 'int32' });
    const f = hp.tensor([1, 2], [2]);
    assert.equal(codeOf(() => hp.exp(i)), 'DTYPE');
    assert.equal(codeOf(() => hp.and(f, f)), 'DTYPE');
    assert.equal(codeOf(() => hp.where(f, f, f)), 'DTYPE');
    assert.equal(codeOf(() => hp.sub(f, i)), 'DTYPE');
    assert.equal(codeOf(() => hp.clip(f, { min: NaN })), 'ARGUMENT');
    assert.equal(codeOf(() => hp.leakyRelu(f, { alpha: Infinity })), 'ARGUMENT');
    assert.equal(codeOf(() => f.astype('float16' as DType)), 'DTYPE');
    assert.equal(codeOf(() => hp.sub(f, hp.tensor([1, 2, 3], [3]))), 'SHAPE');
  });
});
