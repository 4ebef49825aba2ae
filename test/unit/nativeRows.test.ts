/**
 * The native backend's row kernels (softmax, logSoftmax, layerNorm; native/src/rows*) on every
 * instruction-set path this CPU runs, with 1 and 2 threads (parallelThreshold 0, so even small
 * calls split). Expected values are plain float64 loops in this file (Neumaier-compensated sums
 * for float64 inputs), compared under each kernel's declared tolerance. Sizes cover lines
 * shorter than a vector, odd tails, the column walk (axis not last) with partial blocks, and the
 * numeric edges: -Inf, values near the float32 limit, NaN (the whole line NaN, as in the
 * reference), and outputs large enough to be written with non-temporal stores. Also the
 * element-wise exp and sigmoid of the same family, over a sweep of float32 bit patterns. Skipped, with the reason, where the addon is not built.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRuntime, type Runtime, type Tensor } from '../../src/index.js';
import { exp } from '../../src/kernels/exp.js';
import { layerNorm } from '../../src/kernels/layerNorm.js';
import { logSoftmax } from '../../src/kernels/logSoftmax.js';
import { sigmoid } from '../../src/kernels/sigmoid.js';
import { softmax } from '../../src/kernels/softmax.js';
import { compare } from '../../src/kernels/tolerance.js';
import type { Tolerance } from '../../src/kernels/kernel.js';
import { uniformValues } from '../helpers.js';
import { nativePaths, nativeSkip } from '../native.js';

const skip = nativeSkip ?? false;
const PATHS = ['avx512', 'avx2', 'scalar'] as const;

type Float = 'float32' | 'float64';

/** Compensated (Neumaier) sum: the float64 reference must beat the kernel's float64 sums. */
function exactSum(values: readonly number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  // Inf and NaN: the correction term is meaningless (Inf - Inf); the plain sum is the answer.
  return Number.isFinite(sum) ? sum + c : sum;
}

/** softmax / logSoftmax of each line along `axis` of a row-major array, in float64. */
function softmaxExpected(x: ArrayLike<number>, shape: readonly number[], axis: number, log: boolean): Float64Array {
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = x.length / (n * inner);
  const y = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      const at = (i: number): number => o * n * inner + i * inner + c;
      const line = Array.from({ length: n }, (_, i) => x[at(i)]!);
      if (line.some((v) => Number.isNaN(v))) {
        line.forEach((_, i) => (y[at(i)] = NaN));
        continue;
      }
      const max = Math.max(...line);
      // v - max = hi + lo exactly (TwoSum): in float64 the rounded shift alone would cost
      // up to eps * |v - max| relative after exp, 16 ulp at a shift of -46.
      const shifts = line.map((v) => {
        const hi = v - max;
        const back = hi - v;
        return { hi, lo: Number.isFinite(hi) ? v - (hi - back) + (-max - back) : 0 };
      });
      const exps = shifts.map(({ hi, lo }) => Math.exp(hi) * (1 + lo));
      const sum = exactSum(exps);
      const logSum = Math.log(sum);
      shifts.forEach(({ hi, lo }, i) => (y[at(i)] = log ? hi - logSum + lo : exps[i]! / sum));
    }
  }
  return y;
}

/** layerNorm over the last `inner` elements of each group: y, mean, invStdDev in float64. */
function layerNormExpected(x: ArrayLike<number>, inner: number, scale: ArrayLike<number> | undefined, bias: ArrayLike<number> | undefined, epsilon: number) {
  const groups = x.length / inner;
  const y = new Float64Array(x.length);
  const mean = new Float64Array(groups);
  const inv = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const v = Array.from({ length: inner }, (_, j) => x[g * inner + j]!);
    const mu = exactSum(v) / inner;
    const r = 1 / Math.sqrt(exactSum(v.map((e) => (e - mu) * (e - mu))) / inner + epsilon);
    v.forEach((e, j) => (y[g * inner + j] = (e - mu) * r * (scale?.[j] ?? 1) + (bias?.[j] ?? 0)));
    mean[g] = mu;
    inv[g] = r;
  }
  return { y, mean, inv };
}

function check(label: string, tolerance: Tolerance, dtype: Float, actual: Tensor, expected: Float64Array): void {
  const want = dtype === 'float32' ? Float32Array.from(expected) : expected;
  const result = compare({ tolerance, dtype, actual: actual.toArray() as Float32Array | Float64Array, expected: want });
  const w = result.worst;
  assert.ok(result.ok, `${label}: element ${w?.index}: ${String(w?.actual)} vs ${String(w?.expected)} (error ${w?.error}, bound ${w?.bound})`);
}

/** Values in [lo, hi) of the dtype (float32 inputs are rounded before the reference sees them). */
function data(n: number, seed: number, lo: number, hi: number, dtype: Float): Float32Array | Float64Array {
  const v = uniformValues(n, seed).map((u) => lo + (hi - lo) * u);
  return dtype === 'float32' ? Float32Array.from(v) : v;
}

/** One test per path and thread count, each on a fresh native-only runtime. */
function onEveryPath(title: string, body: (hp: Runtime) => void): void {
  for (const isa of PATHS) {
    for (const threads of [1, 2]) {
      const why = skip !== false ? skip : nativePaths.includes(isa) ? false : `this machine cannot run the ${isa} path`;
      test(`${title} (${isa}, ${threads}t)`, { skip: why }, async () => {
        const hp = await createRuntime({ backends: ['native'], require: 'native', threads, parallelThreshold: 0, native: { isa } });
        try {
          body(hp);
          assert.deepEqual(Object.keys(hp.stats().kernels).flatMap((k) => Object.keys(hp.stats().kernels[k]!.backends)).filter((b) => b !== 'native'), []);
        } finally {
          await hp.close();
        }
      });
    }
  }
}

const SOFTMAX_CASES: { shape: number[]; axis: number }[] = [
  // Last axis: lengths below, at and around every path's vector width, and long odd ones.
  ...[1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 63, 100, 1025].map((n) => ({ shape: [3, n], axis: -1 })),
  { shape: [2, 3, 4, 9], axis: 3 },
  // Other axes: columns side by side, fewer than a vector, and more than one 64-column block.
  { shape: [3, 37, 5], axis: 1 },
  { shape: [2, 9, 70], axis: 1 },
  { shape: [33, 17], axis: 0 },
  { shape: [4, 3, 2, 3], axis: 1 },
];

describe('native softmax and logSoftmax', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    onEveryPath(`${dtype} lines and columns match float64 loops`, (hp) => {
      for (const { shape, axis } of SOFTMAX_CASES) {
        const size = shape.reduce((a, b) => a * b, 1);
        // A spread of 60 makes exp cover 26 binades, small outputs included.
        const x = data(size, size + shape.length, -30, 30, dtype);
        const t = hp.tensor(x, shape);
        const a = axis < 0 ? shape.length + axis : axis;
        check(`softmax ${dtype} [${shape}] axis ${axis}`, softmax.tolerance, dtype, hp.softmax(t, { axis }), softmaxExpected(x, shape, a, false));
        check(`logSoftmax ${dtype} [${shape}] axis ${axis}`, logSoftmax.tolerance, dtype, hp.logSoftmax(t, { axis }), softmaxExpected(x, shape, a, true));
      }
    });
  }

  onEveryPath('edges: equal large values, -Inf, the float32 limit, NaN', (hp) => {
    const sm = (values: number[]): number[] => Array.from(hp.softmax(hp.tensor(Float32Array.from(values), [1, values.length])).toArray() as Float32Array);
    const lsm = (values: number[]): number[] => Array.from(hp.logSoftmax(hp.tensor(Float32Array.from(values), [1, values.length])).toArray() as Float32Array);
    assert.deepEqual(sm([1000, 1000]), [0.5, 0.5]);
    assert.deepEqual(sm([-Infinity, 0, -Infinity]), [0, 1, 0]);
    assert.deepEqual(lsm([-Infinity, 0]), [-Infinity, 0]);
    // x - max overflows float32 (-6.8e38): exp gives 0, and logSoftmax -Inf (float64 rounds it there too).
    assert.deepEqual(sm([3.4e38, -3.4e38]), [1, 0]);
    assert.deepEqual(lsm([3.4e38, -3.4e38]), [0, -Infinity]);
    // e^-100 is below float32's smallest normal: the tolerance allows 0 there.
    const tiny = sm([0, -100]);
    assert.equal(tiny[0], 1);
    assert.ok(tiny[1]! >= 0 && tiny[1]! < 2 ** -126);
    // A NaN anywhere, a +Inf (Inf - Inf), or a line of -Inf (-Inf - -Inf): the whole line NaN.
    for (const line of [[1, NaN, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], [NaN, 0], [Infinity, 0, 1], [-Infinity, -Infinity]]) {
      assert.ok(sm(line).every(Number.isNaN), `softmax [${line}]`);
      assert.ok(lsm(line).every(Number.isNaN), `logSoftmax [${line}]`);
    }
    // Other lines of the same call keep their values.
    const two = hp.softmax(hp.tensor(Float32Array.from([NaN, 1, 0, 0]), [2, 2])).toArray() as Float32Array;
    assert.ok(Number.isNaN(two[0]) && Number.isNaN(two[1]));
    assert.deepEqual(Array.from(two.slice(2)), [0.5, 0.5]);
  });
});

describe('native outputs beyond 8 MiB (written with non-temporal stores)', () => {
  // 1031 x 2051 float32 = 8.46 MB: rows of an odd length start at every alignment.
  const shape = [1031, 2051];
  const x = data(shape[0]! * shape[1]!, 5, -20, 20, 'float32');
  const scale = data(shape[1]!, 6, 0.5, 1.5, 'float32');
  const bias = data(shape[1]!, 8, -0.5, 0.5, 'float32');
  const wantSoftmax = softmaxExpected(x, shape, 1, false);
  const wantLog = softmaxExpected(x, shape, 1, true);
  const wantNorm = layerNormExpected(x, shape[1]!, scale, bias, 1e-5);
  onEveryPath('softmax, logSoftmax and layerNorm match float64 loops', (hp) => {
    const t = hp.tensor(x, shape);
    check('softmax', softmax.tolerance, 'float32', hp.softmax(t), wantSoftmax);
    check('logSoftmax', logSoftmax.tolerance, 'float32', hp.logSoftmax(t), wantLog);
    const [y, mean, inv] = hp.run('layerNorm', [t, hp.tensor(scale, [shape[1]!]), hp.tensor(bias, [shape[1]!])], {});
    check('layerNorm', layerNorm.tolerance, 'float32', y!, wantNorm.y);
    check('layerNorm mean', layerNorm.tolerance, 'float32', mean!, wantNorm.mean);
    check('layerNorm invStdDev', layerNorm.tolerance, 'float32', inv!, wantNorm.inv);
  });
});

describe('native layerNorm', () => {
  const cases: { shape: number[]; axis: number; affine: 'both' | 'scale' | 'none' }[] = [
    ...[1, 2, 3, 7, 16, 17, 33, 100, 1000].map((n) => ({ shape: [3, n], axis: -1, affine: 'both' as const })),
    { shape: [4, 6, 10], axis: 1, affine: 'scale' },
    { shape: [2, 3, 5, 7], axis: 2, affine: 'none' },
    { shape: [5, 40], axis: 0, affine: 'both' },
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    onEveryPath(`${dtype} groups match float64 loops (y, mean, invStdDev)`, (hp) => {
      for (const { shape, axis, affine } of cases) {
        const a = axis < 0 ? shape.length + axis : axis;
        const inner = shape.slice(a).reduce((p, d) => p * d, 1);
        const size = shape.reduce((p, d) => p * d, 1);
        const x = data(size, size, -4, 4, dtype);
        const scale = affine === 'none' ? undefined : data(inner, 7, 0.5, 1.5, dtype);
        const bias = affine === 'both' ? data(inner, 9, -0.5, 0.5, dtype) : undefined;
        const normShape = shape.slice(a);
        const [y, mean, inv] = hp.run('layerNorm', [hp.tensor(x, shape), scale && hp.tensor(scale, normShape), bias && hp.tensor(bias, normShape)], { axis, epsilon: 1e-5 });
        const want = layerNormExpected(x, inner, scale, bias, 1e-5);
        const label = `layerNorm ${dtype} [${shape}] axis ${axis}`;
        check(label, layerNorm.tolerance, dtype, y!, want.y);
        check(`${label} mean`, layerNorm.tolerance, dtype, mean!, want.mean);
        check(`${label} invStdDev`, layerNorm.tolerance, dtype, inv!, want.inv);
      }
    });
  }

  onEveryPath('float32 edges: a large offset, huge values, Inf and NaN groups', (hp) => {
    const inner = 40;
    const noise = data(inner, 3, -1e-3, 1e-3, 'float32');
    const rows = [
      // 3000 + noise: the noise must survive the centring.
      Array.from(noise, (v) => 3000 + v),
      // Beyond 1e30 the squares leave float32 (the float64 path).
      Array.from(noise, (v) => v * 1e35),
      Array.from(noise, (v, j) => (j === 5 ? Infinity : v)),
      Array.from(noise, (v, j) => (j === 30 ? NaN : v)),
    ];
    const x = Float32Array.from(rows.flat());
    const [y, mean, inv] = hp.run('layerNorm', [hp.tensor(x, [rows.length, inner])], {});
    const want = layerNormExpected(x, inner, undefined, undefined, 1e-5);
    check('layerNorm edges', layerNorm.tolerance, 'float32', y!, want.y);
    check('layerNorm edges mean', layerNorm.tolerance, 'float32', mean!, want.mean);
    check('layerNorm edges invStdDev', layerNorm.tolerance, 'float32', inv!, want.inv);
    // The reference's facts for the Inf and NaN groups: mean Inf / NaN, every output NaN.
    assert.equal(mean!.toArray()[2], Infinity);
    assert.ok(Number.isNaN(mean!.toArray()[3]));
    assert.ok(Array.from((y!.toArray() as Float32Array).slice(2 * inner)).every(Number.isNaN));
  });
});

describe('native exp and sigmoid (float32)', () => {
  // Every 1999th float32 bit pattern: 2.15M values over the whole range (NaN, Inf, subnormals,
  // overflow and underflow included), 8.6 MB, so the output is streamed too.
  const bits = Uint32Array.from({ length: Math.floor(2 ** 32 / 1999) }, (_, i) => i * 1999);
  const x = new Float32Array(bits.buffer);
  const wantExp = Float64Array.from(x, (v) => Math.exp(v));
  const wantSigmoid = Float64Array.from(x, (v) => 1 / (1 + Math.exp(-v)));
  onEveryPath('every 1999th float32 matches float64 Math', (hp) => {
    const t = hp.tensor(x, [x.length]);
    check('exp', exp.tolerance, 'float32', hp.exp(t), wantExp);
    check('sigmoid', sigmoid.tolerance, 'float32', hp.sigmoid(t), wantSigmoid);
    const edges = hp.tensor(Float32Array.of(-Infinity, Infinity, NaN, 0, -0, 88.72, 88.73, -87.33, -103.9, -104.1), [10]);
    assert.deepEqual(Array.from(hp.exp(edges).toArray().slice(0, 5) as Float32Array), [0, Infinity, NaN, 1, 1]);
    assert.deepEqual(Array.from(hp.sigmoid(edges).toArray().slice(0, 5) as Float32Array), [0, 1, NaN, 0.5, 0.5]);
  });
});

test('native declines what it does not run, with the reason', { skip }, async () => {
  const hp = await createRuntime({ backends: ['native', 'ref'], threads: 1 });
  try {
    const x = hp.tensor(Float32Array.from(uniformValues(12, 1)), [3, 4]);
    // A transposed view: the runtime copies it row-major, then native runs it.
    const t = x.transpose();
    check('softmax of a transposed view', softmax.tolerance, 'float32', hp.softmax(t), softmaxExpected(Float32Array.from(t.toArray() as Float32Array), [4, 3], 1, false));
    assert.deepEqual(hp.stats().kernels.softmax!.backends, { native: 1 });
    // A scale broadcast over the normalized dims is not native's: it runs on ref.
    hp.layerNorm(hp.tensor(new Float32Array(24), [2, 3, 4]), { axis: 1, scale: hp.tensor(new Float32Array(4).fill(1), [4]) });
    assert.deepEqual(hp.stats().kernels.layerNorm!.backends, { ref: 1 });
    assert.match(hp.explain('layerNorm', [hp.tensor(new Float32Array(24), [2, 3, 4]), hp.tensor(new Float32Array(4), [4])], { axis: 1 }).passed[0]!.reason, /broadcast/);
    // Kernels native has no implementation of: memory-bound ones say why (wasm runs them at copy bandwidth).
    const a = hp.tensor(new Float32Array(8), [8]);
    assert.match(hp.explain('add', [a, a]).passed[0]!.reason, /^native has no add kernel: memory-bound \(0\.08 flops per byte\)/);
    assert.equal(hp.explain('tanh', [a]).passed[0]!.reason, 'native has no tanh kernel');
  } finally {
    await hp.close();
  }
});
