/**
 * Property tests for every kernel on every available backend (fast-check, fixed seed):
 * 1. each backend, given strided / col / broadcast / reversed inputs, agrees with `ref` on
 *    contiguous copies of the same values, under the kernel's declared tolerance;
 * 2. laws that hold for any correct implementation (softmax sums to 1, transpose twice is the
 *    identity, NaN propagates, ...), checked on each backend.
 * A backend that declines a call (BACKEND "cannot run this call") is counted and printed, not failed.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { isHotpathError, KERNELS, type KernelName, type Tensor } from '../../src/index.js';
import { isKernelName } from '../../src/kernels/index.js';
import type { AnyKernelDef } from '../../src/kernels/kernel.js';
import { compare, describeWorst } from '../../src/kernels/tolerance.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { magnitudeOf } from '../../src/runtime/verify.js';
import { dtypeInfo, type DType } from '../../src/tensor/dtype.js';
import {
  axesArb,
  axisArb,
  broadcastPairArb,
  dimArb,
  layoutCaseArb,
  LAYOUT_KINDS,
  permutationArb,
  shapeArb,
  shapedLayoutCaseArb,
  STRIDED_KINDS,
  valueArb,
  type LayoutCase,
  type ValueOptions,
} from '../../src/testing/arbitraries.js';

const SEED = 424242;
const RUNS = 100;

const hp = await createRuntime();
const refBackend = createRefBackend();
const startTensors = hp.memory().tensors;
const BACKENDS = hp.backends().filter((b) => b.available).map((b) => b.name);
const declined = new Map<string, number>();

after(() => hp.close());

function check<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void): void {
  fc.assert(
    fc.property(arb, (value) => hp.scope(() => predicate(value))),
    { numRuns: RUNS, seed: SEED, includeErrorInReport: true },
  );
}

function defOf(kernel: KernelName): AnyKernelDef {
  return KERNELS[kernel] as unknown as AnyKernelDef;
}

/** Outputs of one call on `backend`, or undefined when the backend declines it (counted). */
function runOn(backend: string, kernel: KernelName, inputs: readonly (Tensor | undefined)[], attrs: object): Tensor[] | undefined {
  try {
    return hp.run(kernel, inputs, attrs as never, { backend });
  } catch (error) {
    if (backend !== 'ref' && isHotpathError(error) && error.code === 'BACKEND' && error.problem.includes('cannot run this call')) {
      const key = `${backend} ${kernel}`;
      declined.set(key, (declined.get(key) ?? 0) + 1);
      return undefined;
    }
    throw error;
  }
}

function values(t: Tensor): number[] {
  return Array.from(t.toArray() as ArrayLike<number>);
}

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Smallest positive value of a float dtype (subnormal): the absolute slack of one rounding. */
function trueMin(dtype: DType): number {
  return dtype === 'float32' ? 2 ** -149 : 2 ** -1074;
}

const floatDType = fc.constantFrom<DType>('float32', 'float64');
const anyDType = fc.constantFrom<DType>('float32', 'float64', 'int32');
const INT32_VALUES = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

function caseArb(shape: readonly number[], dtype: DType, options: ValueOptions = {}): fc.Arbitrary<LayoutCase> {
  const v = dtype === 'int32' ? INT32_VALUES : valueArb(options);
  return layoutCaseArb(shape, { kinds: STRIDED_KINDS, dtype, values: v });
}

function shapedCaseArb(shape: Parameters<typeof shapeArb>[0], dtypes: fc.Arbitrary<DType>, options: ValueOptions = {}): fc.Arbitrary<LayoutCase> {
  return fc.tuple(shapeArb(shape), dtypes).chain(([s, d]) => caseArb(s, d, options));
}

// ---------------------------------------------------------------- calls for each kernel

interface Call {
  /** A kernel id; spectral ones may not exist yet, so this is checked with isKernelName. */
  readonly kernel: string;
  readonly inputs: readonly (LayoutCase | undefined)[];
  readonly attrs: object;
}

const call = (kernel: string, inputs: readonly (LayoutCase | undefined)[], attrs: object = {}): Call => ({ kernel, inputs, attrs });

function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq: 3 });
}

/** Shapes that broadcast to `target` (leading dims dropped, some dims set to 1). */
function broadcastableTo(target: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 0, max: target.length }), fc.array(fc.boolean(), { minLength: target.length, maxLength: target.length }))
    .map(([drop, ones]) => target.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

const small = dimArb({ maxDim: 5 });
// Products of 1e18-sized values stay far below the float32 limit, so no backend overflows mid-sum.
const GEMM_VALUES: ValueOptions = { maxAbs: 1e18 };

const matmulCall = fc
  .record({ m: small, k: small, n: small, batch: broadcastPairArb({ maxRank: 2, maxDim: 3 }), aVector: fc.boolean(), bVector: fc.boolean(), dtype: floatDType })
  .chain(({ m, k, n, batch, aVector, bVector, dtype }) => {
    const a = aVector ? [k] : [...batch.a, m, k];
    const b = bVector ? [k] : [...batch.b, k, n];
    return fc.tuple(caseArb(a, dtype, GEMM_VALUES), caseArb(b, dtype, GEMM_VALUES)).map(([x, y]) => call('matmul', [x, y]));
  });

const scalarAttr = fc.oneof(fc.constantFrom(1, 0, -1), valueArb({ ordinary: 4, large: false, tiny: false }));
const gemmCall = fc
  .record({ m: small, k: small, n: small, transA: fc.boolean(), transB: fc.boolean(), alpha: scalarAttr, beta: scalarAttr, c: fc.constantFrom('none', '[]', '[1]', '[N]', '[1,N]', '[M,1]', '[M,N]'), dtype: floatDType })
  .chain(({ m, k, n, transA, transB, alpha, beta, c, dtype }) => {
    const cShape = { none: undefined, '[]': [], '[1]': [1], '[N]': [n], '[1,N]': [1, n], '[M,1]': [m, 1], '[M,N]': [m, n] }[c];
    return fc
      .tuple(caseArb(transA ? [k, m] : [m, k], dtype, GEMM_VALUES), caseArb(transB ? [n, k] : [k, n], dtype, GEMM_VALUES), cShape === undefined ? fc.constant(undefined) : caseArb(cShape, dtype, GEMM_VALUES))
      .map(([a, b, cc]) => call('gemm', [a, b, cc], { alpha, beta, transA, transB }));
  });

function binaryCall(kernel: 'add' | 'mul'): fc.Arbitrary<Call> {
  return fc
    .tuple(broadcastPairArb(), anyDType)
    .chain(([p, dtype]) => fc.tuple(caseArb(p.a, dtype, { nonFinite: true }), caseArb(p.b, dtype, { nonFinite: true })))
    .map(([a, b]) => call(kernel, [a, b]));
}

const reluCall = shapedCaseArb({}, anyDType, { nonFinite: true }).map((x) => call('relu', [x]));
const geluCall = fc.tuple(shapedCaseArb({}, floatDType, { nonFinite: true }), fc.constantFrom('none', 'tanh')).map(([x, approximate]) => call('gelu', [x], { approximate }));

function axisCall(kernel: 'softmax' | 'logSoftmax'): fc.Arbitrary<Call> {
  return shapedCaseArb({ minRank: 1 }, floatDType).chain((x) => axisArb(x.shape.length).map((axis) => call(kernel, [x], { axis })));
}

const layerNormCall = fc
  .record({ outer: shapeArb({ maxRank: 2 }), inner: shapeArb({ minRank: 1, maxRank: 2, minDim: 1 }), negative: fc.boolean(), epsilon: fc.constantFrom(1e-5, 1e-3, 0.25), dtype: floatDType })
  .chain(({ outer, inner, negative, epsilon, dtype }) => {
    const shape = [...outer, ...inner];
    const axis = negative ? -inner.length : outer.length;
    const affine = maybe(broadcastableTo(inner).chain((s) => caseArb(s, dtype, { maxAbs: 1e4 })));
    return fc.tuple(caseArb(shape, dtype, { maxAbs: 1e15 }), affine, affine).map(([x, scale, bias]) => call('layerNorm', [x, scale, bias], { axis, epsilon }));
  });

function reduceCall(kernel: 'reduceSum' | 'reduceMean'): fc.Arbitrary<Call> {
  // 1296 terms of 1e34 stay below the float32 limit: no backend overflows mid-sum.
  const dtypes = kernel === 'reduceSum' ? anyDType : floatDType;
  return shapedCaseArb({}, dtypes, { maxAbs: 1e34 }).chain((x) =>
    fc
      .record({ axes: maybe(axesArb(x.shape.length)), keepdims: fc.boolean(), noopWithEmptyAxes: fc.boolean() })
      .map((attrs) => call(kernel, [x], attrs)),
  );
}

const transposeCall = shapedCaseArb({}, anyDType, { nonFinite: true }).chain((x) => maybe(permutationArb(x.shape.length)).map((perm) => call('transpose', [x], { perm })));

// Spectral kernels: ordinary magnitudes (their tolerance is relative to the largest output).
const SIGNAL: ValueOptions = { large: false };

const dftCall = fc
  .record({ dims: shapeArb({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 6 }), complex: fc.boolean(), inverse: fc.boolean(), onesided: fc.boolean(), length: maybe(fc.integer({ min: 1, max: 10 })), dtype: floatDType, pick: fc.nat(), negative: fc.boolean() })
  .chain(({ dims, complex, inverse, onesided, length, dtype, pick, negative }) => {
    const rank = dims.length + 1;
    const axis = pick % dims.length;
    const half = onesided && inverse;
    const n = half && length === undefined && dims[axis]! < 2 ? 4 : length;
    const attrs = { axis: negative ? axis - rank : axis, inverse, onesided: onesided && (inverse || !complex), length: n };
    return caseArb([...dims, complex ? 2 : 1], dtype, SIGNAL).map((x) => call('dft', [x], attrs));
  });

const stftCall = fc
  .record({ batch: fc.integer({ min: 0, max: 2 }), length: fc.integer({ min: 1, max: 24 }), complex: fc.boolean(), frame: fc.nat(), frameStep: fc.integer({ min: 1, max: 5 }), window: fc.boolean(), giveLength: fc.boolean(), onesided: fc.boolean(), dtype: floatDType })
  .chain((r) => {
    const frameLength = 1 + (r.frame % r.length);
    const attrs = { frameStep: r.frameStep, onesided: r.onesided && !r.complex, frameLength: r.giveLength || !r.window ? frameLength : undefined };
    const window = r.window ? caseArb([frameLength], r.dtype, SIGNAL) : fc.constant(undefined);
    return fc.tuple(caseArb([r.batch, r.length, r.complex ? 2 : 1], r.dtype, SIGNAL), window).map(([s, w]) => call('stft', [s, w], attrs));
  });

const hannWindowCall = fc
  .record({ size: fc.integer({ min: 0, max: 40 }), periodic: fc.boolean(), dtype: floatDType })
  .map((attrs) => call('hannWindow', [], attrs));

const melWeightMatrixCall = fc
  .record({ numMelBins: fc.integer({ min: 1, max: 12 }), dftLength: fc.integer({ min: 1, max: 128 }), sampleRate: fc.integer({ min: 2, max: 48000 }), lo: fc.double({ min: 0, max: 0.9, noNaN: true }), hi: fc.double({ min: 0.05, max: 1, noNaN: true }), dtype: floatDType })
  .map(({ lo, hi, ...rest }) => {
    // lower <= 0.9 nyquist and upper >= lower + 0.05 (nyquist - lower): always a valid range.
    const nyquist = rest.sampleRate / 2;
    const lowerEdgeHertz = lo * nyquist;
    const upperEdgeHertz = Math.min(nyquist, lowerEdgeHertz + hi * (nyquist - lowerEdgeHertz));
    return call('melWeightMatrix', [], { ...rest, lowerEdgeHertz, upperEdgeHertz });
  });

const CALLS: Readonly<Record<string, fc.Arbitrary<Call>>> = {
  matmul: matmulCall,
  gemm: gemmCall,
  add: binaryCall('add'),
  mul: binaryCall('mul'),
  relu: reluCall,
  gelu: geluCall,
  softmax: axisCall('softmax'),
  logSoftmax: axisCall('logSoftmax'),
  layerNorm: layerNormCall,
  reduceSum: reduceCall('reduceSum'),
  reduceMean: reduceCall('reduceMean'),
  transpose: transposeCall,
  dft: dftCall,
  stft: stftCall,
  hannWindow: hannWindowCall,
  melWeightMatrix: melWeightMatrixCall,
};
const SPECTRAL = new Set(['dft', 'stft', 'hannWindow', 'melWeightMatrix']);

/** Runs `c` on `backend` with strided inputs and on ref with row-major copies; compares all outputs. */
function agreesWithRef(backend: string, c: Call): void {
  assert.ok(isKernelName(c.kernel), `unknown kernel ${c.kernel}`);
  const kernel = c.kernel;
  const def = defOf(kernel);
  const strided = c.inputs.map((x) => x?.build(hp));
  const rows = c.inputs.map((x) => x?.buildRow(hp));
  const actual = runOn(backend, kernel, strided, c.attrs);
  if (actual === undefined) {
    return;
  }
  const expected = hp.run(kernel, rows, c.attrs as never, { backend: 'ref' });
  const merged = { ...def.defaults, ...c.attrs };
  const depth = def.depth?.(def.infer(rows, merged)) ?? 1;
  const magnitudes = def.tolerance.kind === 'accumulated' ? magnitudeOf(hp, def, merged, rows, refBackend) : undefined;
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    assert.deepEqual(a.shape, e.shape, `${c.kernel} output ${i} shape`);
    assert.equal(a.dtype, e.dtype, `${c.kernel} output ${i} dtype`);
    const result = compare({ tolerance: def.tolerance, dtype: e.dtype, actual: a.toArray(), expected: e.toArray(), magnitude: magnitudes?.[i], depth });
    assert.ok(result.ok, `${c.kernel} on ${backend}, output ${i} (${def.tolerance.kind}): ${describeWorst(result)}`);
  });
}

// ---------------------------------------------------------------- row-major helpers for the laws

/** Flat row-major indices of every line along `axis`. */
function lines(shape: readonly number[], axis: number): number[][] {
  const stride = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const n = shape[axis]!;
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const out: number[][] = [];
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < stride; s++) {
      out.push(Array.from({ length: n }, (_, i) => o * n * stride + i * stride + s));
    }
  }
  return out;
}

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** numpy matmul over row-major values, float64 sums in order p = 0..k-1; also sum |a||b|. */
function tripleLoop(a: LayoutCase, b: LayoutCase): { value: number[]; magnitude: number[]; k: number } {
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const da = ab[ab.length - rank + i] ?? 1;
    return da === 1 ? (bb[bb.length - rank + i] ?? 1) : da; // not Math.max: 1 broadcasts to 0
  });
  const count = batch.reduce((p, d) => p * d, 1);
  const offsetOf = (own: readonly number[], flat: number, block: number): number => {
    // The operand's batch index: its own dims of size 1 read index 0 (broadcast).
    let rest = flat;
    let index = 0;
    let scale = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const idx = rest % batch[i]!;
      rest = Math.floor(rest / batch[i]!);
      const j = own.length - rank + i;
      if (j >= 0) {
        index += (own[j] === 1 ? 0 : idx) * scale;
        scale *= own[j]!;
      }
    }
    return index * block;
  };
  const value: number[] = [];
  const magnitude: number[] = [];
  for (let q = 0; q < count; q++) {
    const ao = offsetOf(ab, q, m * k);
    const bo = offsetOf(bb, q, k * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const term = a.values[ao + i * k + p]! * b.values[bo + p * n + j]!;
          sum += term;
          abs += Math.abs(term);
        }
        value.push(sum);
        magnitude.push(abs);
      }
    }
  }
  return { value, magnitude, k };
}

function asDType(dtype: DType, xs: readonly number[]): ReturnType<Tensor['toArray']> {
  const info = dtypeInfo(dtype);
  const out = info.create(new ArrayBuffer(xs.length * info.bytes), 0, xs.length);
  xs.forEach((x, i) => (out[i] = x));
  return out;
}

// ---------------------------------------------------------------- the tests

test('layout cases build tensors holding exactly their logical values', () => {
  check(shapedLayoutCaseArb({}, { kinds: LAYOUT_KINDS }), (c) => {
    const t = c.build(hp);
    assert.deepEqual(t.shape, c.shape);
    const got = values(t);
    got.forEach((v, i) => assert.ok(sameBits(v, c.values[i]!), `${c.kind}: element ${i} is ${v}, expected ${c.values[i]}`));
    if (c.kind === 'reversed' && c.shape.some((d) => d > 1)) {
      assert.ok(t.strides.some((s) => s < 0), `reversed view without a negative stride: ${t.toString()}`);
    }
    if (c.kind === 'broadcast' && t.size > 0 && c.geometry.baseShape.length < c.shape.length) {
      assert.ok(t.strides.some((s) => s === 0), `broadcast view without a zero stride: ${t.toString()}`);
    }
  });
});

for (const backend of BACKENDS) {
  describe(`backend ${backend}`, () => {
    for (const [kernel, arb] of Object.entries(CALLS)) {
      if (!isKernelName(kernel)) {
        test(`${kernel} agrees with ref on strided inputs`, { skip: `${kernel} is not in KERNELS yet` }, () => {});
        continue;
      }
      test(`${kernel} agrees with ref on strided inputs`, () => {
        check(arb, (c) => agreesWithRef(backend, c));
      });
    }

    test('softmax: each line sums to 1 and lies in [0, 1], even near ±1e38', () => {
      const tol = KERNELS.softmax.tolerance;
      assert.equal(tol.kind, 'ulp');
      check(axisCall('softmax'), (c) => {
        const x = c.inputs[0]!;
        const [y] = runOn(backend, 'softmax', [x.build(hp)], c.attrs) ?? [];
        if (y === undefined) return;
        const v = values(y);
        const axis = (c.attrs as { axis: number }).axis;
        const eps = dtypeInfo(x.dtype).eps;
        for (const line of lines(x.shape, axis < 0 ? axis + x.shape.length : axis)) {
          if (line.length === 0) continue;
          const sum = line.reduce((s, i) => s + v[i]!, 0);
          const bound = tol.ulp * eps + line.length * trueMin(x.dtype);
          assert.ok(Math.abs(sum - 1) <= bound, `line sums to ${sum} (bound ${bound}) for ${line.map((i) => x.values[i]).join(', ')}`);
          line.forEach((i) => assert.ok(v[i]! >= 0 && v[i]! <= 1, `softmax ${v[i]} outside [0, 1]`));
        }
      });
    });

    test('logSoftmax <= 0 and exp(logSoftmax) = softmax', () => {
      const tl = KERNELS.logSoftmax.tolerance;
      const ts = KERNELS.softmax.tolerance;
      assert.ok(tl.kind === 'ulp' && ts.kind === 'ulp');
      check(axisCall('logSoftmax'), (c) => {
        const x = c.inputs[0]!.build(hp);
        const l = runOn(backend, 'logSoftmax', [x], c.attrs)?.[0];
        const s = runOn(backend, 'softmax', [x], c.attrs)?.[0];
        if (l === undefined || s === undefined) return;
        const eps = dtypeInfo(x.dtype).eps;
        const lv = values(l);
        const sv = values(s);
        lv.forEach((li, i) => {
          assert.ok(li <= 0, `logSoftmax ${li} > 0`);
          const e = Math.exp(li);
          if (e === sv[i]) return;
          const bound = 1.01 * sv[i]! * (tl.ulp * eps * Math.max(Math.abs(li), 1) + ts.ulp * eps) + 2 * trueMin(x.dtype);
          assert.ok(Math.abs(e - sv[i]!) <= bound, `exp(${li}) = ${e} vs softmax ${sv[i]} (bound ${bound})`);
        });
      });
    });

    test('transpose twice with the inverse perm is the identity (bit-exact)', () => {
      const arb = shapedCaseArb({}, anyDType, { nonFinite: true }).chain((x) => permutationArb(x.shape.length).map((perm) => ({ x, perm })));
      check(arb, ({ x, perm }) => {
        const y = runOn(backend, 'transpose', [x.build(hp)], { perm })?.[0];
        const z = y === undefined ? undefined : runOn(backend, 'transpose', [y], { perm: inverse(perm) })?.[0];
        if (y === undefined || z === undefined) return;
        assert.deepEqual(y.shape, perm.map((p) => x.shape[p]!));
        assert.deepEqual(z.shape, x.shape);
        values(z).forEach((v, i) => assert.ok(sameBits(v, x.values[i]!), `element ${i}: ${v} vs ${x.values[i]}`));
      });
    });

    test('reduceSum over all axes = reduceSum over one axis, then over the rest', () => {
      const tol = KERNELS.reduceSum.tolerance;
      const arb = shapedCaseArb({ minRank: 1 }, floatDType, { maxAbs: 1e30 }).chain((x) => fc.tuple(fc.constant(x), axisArb(x.shape.length), fc.boolean()));
      check(arb, ([x, axis, keepdims]) => {
        const t = x.build(hp);
        const total = runOn(backend, 'reduceSum', [t], { keepdims: false })?.[0];
        const partial = runOn(backend, 'reduceSum', [t], { axes: [axis], keepdims })?.[0];
        const twoStep = partial === undefined ? undefined : runOn(backend, 'reduceSum', [partial], { keepdims: false })?.[0];
        if (total === undefined || twoStep === undefined) return;
        assert.deepEqual(total.shape, []);
        assert.deepEqual(twoStep.shape, []);
        const magnitude = x.values.reduce((s, v) => s + Math.abs(v), 0);
        const result = compare({ tolerance: tol, dtype: x.dtype, actual: twoStep.toArray(), expected: total.toArray(), magnitude: asDType('float64', [magnitude]), depth: x.values.length });
        assert.ok(result.ok, describeWorst(result));
      });
    });

    for (const kernel of ['add', 'mul'] as const) {
      test(`${kernel} is commutative (bit-exact, with NaN and Inf, broadcasting)`, () => {
        check(binaryCall(kernel), (c) => {
          const [a, b] = c.inputs.map((x) => x!.build(hp));
          const ab = runOn(backend, kernel, [a, b], {})?.[0];
          const ba = runOn(backend, kernel, [b, a], {})?.[0];
          if (ab === undefined || ba === undefined) return;
          assert.deepEqual(ab.shape, ba.shape);
          const result = compare({ tolerance: { kind: 'exact' }, dtype: ab.dtype, actual: ab.toArray(), expected: ba.toArray() });
          assert.ok(result.ok, describeWorst(result));
        });
      });
    }

    test('relu is idempotent and never negative', () => {
      check(reluCall, (c) => {
        const once = runOn(backend, 'relu', [c.inputs[0]!.build(hp)], {})?.[0];
        const twice = once === undefined ? undefined : runOn(backend, 'relu', [once], {})?.[0];
        if (once === undefined || twice === undefined) return;
        const v = values(once);
        v.forEach((y) => assert.ok(y >= 0 || Number.isNaN(y), `relu gave ${y}`));
        values(twice).forEach((y, i) => assert.ok(sameBits(y, v[i]!), `relu(relu) ${y} vs relu ${v[i]}`));
      });
    });

    test('NaN propagates through add, mul, relu and its softmax line (and no further)', () => {
      const arb = fc
        .tuple(shapeArb({ minRank: 1, minDim: 1 }), floatDType)
        .chain(([shape, dtype]) => fc.tuple(caseArb(shape, dtype), caseArb(shape, dtype), fc.nat(), axisArb(shape.length)));
      check(arb, ([xc, yc, pick, axis]) => {
        const x = xc.build(hp);
        // Poke NaN into x through its own strides; with stride 0 it shows up at several indices.
        const flat = pick % x.size;
        let off = x.offset;
        let rest = flat;
        for (let i = x.rank - 1; i >= 0; i--) {
          off += (rest % x.shape[i]!) * x.strides[i]!;
          rest = Math.floor(rest / x.shape[i]!);
        }
        x.data()[off] = Number.NaN;
        const xv = values(x);
        assert.ok(Number.isNaN(xv[flat]!));
        const y = yc.build(hp);
        for (const kernel of ['add', 'mul', 'relu'] as const) {
          const out = runOn(backend, kernel, kernel === 'relu' ? [x] : [x, y], {})?.[0];
          if (out === undefined) continue;
          values(out).forEach((v, i) => assert.equal(Number.isNaN(v), Number.isNaN(xv[i]!), `${kernel}: element ${i} is ${v}, input ${xv[i]}`));
        }
        const s = runOn(backend, 'softmax', [x], { axis })?.[0];
        if (s === undefined) return;
        const sv = values(s);
        for (const line of lines(x.shape, axis < 0 ? axis + x.rank : axis)) {
          const poisoned = line.some((i) => Number.isNaN(xv[i]!));
          line.forEach((i) => assert.equal(Number.isNaN(sv[i]!), poisoned, `softmax element ${i} is ${sv[i]}`));
        }
      });
    });

    test('layerNorm without scale and bias: mean ~0 and variance ~1 per group', () => {
      const tol = KERNELS.layerNorm.tolerance;
      assert.equal(tol.kind, 'ulp');
      const arb = fc
        .record({ outer: shapeArb({ maxRank: 2, maxDim: 4 }), inner: shapeArb({ minRank: 1, maxRank: 2, minDim: 2 }), epsilon: fc.constantFrom(1e-5, 1e-3), dtype: floatDType })
        .chain((r) => caseArb([...r.outer, ...r.inner], r.dtype, { large: false, tiny: false }).map((x) => ({ ...r, x })));
      check(arb, ({ outer, inner, epsilon, x }) => {
        const y = runOn(backend, 'layerNorm', [x.build(hp)], { axis: outer.length, epsilon })?.[0];
        if (y === undefined) return;
        const eps = dtypeInfo(x.dtype).eps;
        const size = inner.reduce((p, d) => p * d, 1);
        const yv = values(y);
        for (let g = 0; g * size < yv.length; g++) {
          const xs = x.values.slice(g * size, (g + 1) * size);
          const mu = xs.reduce((s, v) => s + v, 0) / size;
          const variance = xs.reduce((s, v) => s + (v - mu) ** 2, 0) / size;
          if (!(variance > 100 * epsilon)) continue;
          const ys = yv.slice(g * size, (g + 1) * size);
          const big = Math.max(1, ...ys.map(Math.abs));
          const mean = ys.reduce((s, v) => s + v, 0) / size;
          const spread = ys.reduce((s, v) => s + (v - mean) ** 2, 0) / size;
          const meanBound = tol.ulp * eps * big;
          const varBound = 2 * tol.ulp * eps * big * big;
          assert.ok(Math.abs(mean) <= meanBound, `group ${g}: mean ${mean} (bound ${meanBound})`);
          const target = variance / (variance + epsilon);
          assert.ok(Math.abs(spread - target) <= varBound, `group ${g}: variance ${spread}, expected ${target} (bound ${varBound})`);
        }
      });
    });

    test('matmul agrees with a plain triple loop (float64 sums) within the accumulated bound', () => {
      const tol = KERNELS.matmul.tolerance;
      check(matmulCall, (c) => {
        const [a, b] = c.inputs as [LayoutCase, LayoutCase];
        const out = runOn(backend, 'matmul', [a.build(hp), b.build(hp)], {})?.[0];
        if (out === undefined) return;
        const { value, magnitude, k } = tripleLoop(a, b);
        // Round the loop's result to the dtype as any backend's store does.
        const result = compare({ tolerance: tol, dtype: a.dtype, actual: out.toArray(), expected: asDType(a.dtype, value), magnitude: asDType(a.dtype, magnitude), depth: k });
        assert.ok(result.ok, describeWorst(result));
      });
    });
  });
}

test('every tensor made by the properties is released', (t) => {
  for (const [key, count] of declined) {
    t.diagnostic(`declined: ${key} x${count}`);
  }
  t.diagnostic(`backends: ${BACKENDS.join(', ')}`);
  assert.equal(hp.memory().tensors, startTensors);
});
