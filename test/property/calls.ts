/**
 * Call generators for the property tests: for each kernel, an arbitrary that draws inputs as
 * strided layout cases (plus attributes), and the inputs helpers they share. Not a test file;
 * `crossBackend.test.ts` and `laws.test.ts` import it.
 */
import fc from 'fast-check';
import type { DType } from '../../src/tensor/dtype.js';
import { denseGeometry, layoutCaseOf } from '../../src/testing/layoutCase.js';
import {
  axesArb,
  axisArb,
  broadcastPairArb,
  dimArb,
  layoutCaseArb,
  permutationArb,
  shapeArb,
  STRIDED_KINDS,
  valueArb,
  type LayoutCase,
  type ValueOptions,
} from '../../src/testing/arbitraries.js';
import { shapeCalls } from './shapeCalls.js';

export const floatDType = fc.constantFrom<DType>('float32', 'float64');
export const anyDType = fc.constantFrom<DType>('float32', 'float64', 'int32');
const INT32_VALUES = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

export function caseArb(shape: readonly number[], dtype: DType, options: ValueOptions = {}): fc.Arbitrary<LayoutCase> {
  const v = dtype === 'int32' ? INT32_VALUES : valueArb(options);
  return layoutCaseArb(shape, { kinds: STRIDED_KINDS, dtype, values: v });
}

export function shapedCaseArb(shape: Parameters<typeof shapeArb>[0], dtypes: fc.Arbitrary<DType>, options: ValueOptions = {}): fc.Arbitrary<LayoutCase> {
  return fc.tuple(shapeArb(shape), dtypes).chain(([s, d]) => caseArb(s, d, options));
}

// ---------------------------------------------------------------- calls for each kernel

export interface Call {
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
// The whole float32 range (issue 8): products and sums may overflow; where a float32 sum of
// |terms| overflows, the accumulated tolerance states no bound (see kernels/tolerance.ts).
const GEMM_VALUES: ValueOptions = {};

export const matmulCall = fc
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

const METRIC = fc.constantFrom('sqeuclidean', 'euclidean', 'cosine', 'dot', 'manhattan');
// Points near a common far-away centre (1e4 +- 1) besides the general values: the case where the
// GEMM form of a distance cancels.
const FAR_VALUES = fc.integer({ min: -(2 ** 12), max: 2 ** 12 }).map((i) => Math.fround(1e4 + i / 2 ** 12));
const pairwiseDistancesCall = fc
  .record({ n: small, m: small, d: dimArb({ maxDim: 9 }), metric: METRIC, far: fc.boolean(), dtype: floatDType })
  .chain(({ n, m, d, metric, far, dtype }) => {
    const arb = (shape: number[]) => (far ? layoutCaseArb(shape, { kinds: STRIDED_KINDS, dtype, values: FAR_VALUES }) : caseArb(shape, dtype, GEMM_VALUES));
    return fc.tuple(arb([n, d]), arb([m, d])).map(([x, y]) => call('pairwiseDistances', [x, y], { metric }));
  });

// Points and centroids from a few distinct values, so that exact and near ties are common.
const TIE_VALUES = fc.constantFrom(0, 1, -1, 0.5, 3, 1e4, 1e4 + 1);
const lloydCall = fc
  .record({ n: dimArb({ maxDim: 12 }), k: fc.integer({ min: 1, max: 6 }), d: dimArb({ maxDim: 6 }), ties: fc.boolean(), weighted: fc.boolean(), dtype: floatDType })
  .chain(({ n, k, d, ties, weighted, dtype }) => {
    const arb = (shape: number[]) => (ties ? layoutCaseArb(shape, { kinds: STRIDED_KINDS, dtype, values: TIE_VALUES }) : caseArb(shape, dtype, GEMM_VALUES));
    const w = weighted ? caseArb([n], dtype, { maxAbs: 1e6, tiny: false }) : fc.constant(undefined);
    return fc.tuple(arb([n, d]), arb([k, d]), w).map(([x, c, ww]) => call('lloyd', [x, c, ww]));
  });

// hamerly's offsets: none, or per feature one of these (exact in float32; -1e4 centres the
// points near 1e4 that TIE_VALUES and FAR values give, 0.1 rounds every sum).
const OFFSET_VALUES = fc.constantFrom(0, -1, 0.5, 0.1, -1e4, 3e38);

/** The rows x + offset as the kernel reads them (rounded to x's dtype), row-major. */
export function offsetRows(x: LayoutCase, offset: LayoutCase | undefined): number[] {
  const d = x.shape[1]!;
  const round = x.dtype === 'float32' ? Math.fround : (v: number): number => v;
  return offset === undefined ? [...x.values] : x.values.map((v, e) => round(v + offset.values[e % d]!));
}

/**
 * hamerly: a lloyd call plus hints, and sometimes an offset. Labels are any centroid; bounds
 * are either unknown ([Infinity, 0], always valid) or valid bounds computed here in float64 from
 * the points' values (plus the offset) and loosened by a random factor, so that some points are
 * proven and skipped and others recomputed; drift is any non-negative number (the centroids did
 * not move, so every drift is an upper bound of their movement). Hints and offset are row-major.
 */
export const hamerlyCall = lloydCall.chain((c) => {
  const [x, centroids, weights] = c.inputs as [LayoutCase, LayoutCase, LayoutCase | undefined];
  const [n, d] = x.shape as [number, number];
  const k = centroids.shape[0]!;
  const row = (shape: number[], dtype: DType, values: number[]) => layoutCaseOf(denseGeometry('row', shape), dtype, values);
  const point = fc.record({ label: fc.integer({ min: 0, max: k - 1 }), known: fc.boolean(), slack: fc.constantFrom(1e-6, 0.01, 0.5, 2) });
  const offsetArb = maybe(fc.array(OFFSET_VALUES, { minLength: d, maxLength: d }).map((v) => row([d], x.dtype, x.dtype === 'float32' ? v.map(Math.fround) : v)));
  return fc
    .tuple(fc.array(point, { minLength: n, maxLength: n }), fc.array(fc.constantFrom(0, 1e-3, 1, 1e6), { minLength: k, maxLength: k }), offsetArb)
    .map(([points, drift, offset]) => {
      const rows = offsetRows(x, offset);
      const distance = (i: number, j: number): number => {
        let sum = 0;
        for (let p = 0; p < d; p++) {
          sum += (rows[i * d + p]! - centroids.values[j * d + p]!) ** 2;
        }
        return Math.sqrt(sum);
      };
      const bounds = points.flatMap(({ label, known, slack }, i) => {
        if (!known) {
          return [Infinity, 0];
        }
        let lower = Infinity;
        for (let j = 0; j < k; j++) {
          lower = j === label ? lower : Math.min(lower, distance(i, j));
        }
        return [distance(i, label) * (1 + slack), lower / (1 + slack)];
      });
      const hints = [row([n], 'int32', points.map((p) => p.label)), row([n, 2], 'float64', bounds), row([k], 'float64', drift)];
      return call('hamerly', [x, centroids, ...hints, weights, ...(offset === undefined ? [] : [offset])]);
    });
});

export function binaryCall(kernel: 'add' | 'mul'): fc.Arbitrary<Call> {
  return fc
    .tuple(broadcastPairArb(), anyDType)
    .chain(([p, dtype]) => fc.tuple(caseArb(p.a, dtype, { nonFinite: true }), caseArb(p.b, dtype, { nonFinite: true })))
    .map(([a, b]) => call(kernel, [a, b]));
}

export const reluCall = shapedCaseArb({}, anyDType, { nonFinite: true }).map((x) => call('relu', [x]));
const geluCall = fc.tuple(shapedCaseArb({}, floatDType, { nonFinite: true }), fc.constantFrom('none', 'tanh')).map(([x, approximate]) => call('gelu', [x], { approximate }));

export function axisCall(kernel: 'softmax' | 'logSoftmax'): fc.Arbitrary<Call> {
  return shapedCaseArb({ minRank: 1 }, floatDType).chain((x) => axisArb(x.shape.length).map((axis) => call(kernel, [x], { axis })));
}

const layerNormCall = fc
  .record({ outer: shapeArb({ maxRank: 2 }), inner: shapeArb({ minRank: 1, maxRank: 2, minDim: 1 }), negative: fc.boolean(), epsilon: fc.constantFrom(1e-5, 1e-3, 0.25), dtype: floatDType })
  .chain(({ outer, inner, negative, epsilon, dtype }) => {
    const shape = [...outer, ...inner];
    const axis = negative ? -inner.length : outer.length;
    const affine = maybe(broadcastableTo(inner).chain((s) => caseArb(s, dtype, { maxAbs: 1e4 })));
    return fc.tuple(caseArb(shape, dtype), affine, affine).map(([x, scale, bias]) => call('layerNorm', [x, scale, bias], { axis, epsilon }));
  });

function reduceCall(kernel: 'reduceSum' | 'reduceMean'): fc.Arbitrary<Call> {
  // The whole float32 range: a sum may overflow (ref sums in float64; see kernels/tolerance.ts).
  const dtypes = kernel === 'reduceSum' ? anyDType : floatDType;
  return shapedCaseArb({}, dtypes).chain((x) =>
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

// fbank's power output only (log 'none'): the log steps magnify a float32 FFT's rounding without
// bound where a band's exact energy is 0 (integer frames cancel exactly in float64, not in
// float32); they are held to the speech reference data instead (test/conformance/fbank.test.ts).
const fbankCall = fc
  .record({
    n: fc.integer({ min: 0, max: 6 }),
    length: fc.integer({ min: 1, max: 24 }),
    pad: fc.integer({ min: 0, max: 9 }),
    removeDc: fc.boolean(),
    preemph: fc.oneof(fc.constant(0), fc.constant(0.97), fc.double({ min: 0, max: 1, noNaN: true })),
    window: fc.constantFrom('hann', 'povey', 'hamming', 'rectangular'),
    sampleRate: fc.constantFrom(8000, 16000, 22050),
    nMels: fc.integer({ min: 1, max: 10 }),
    lo: fc.double({ min: 0, max: 0.5, noNaN: true }),
    hi: fc.double({ min: 0.6, max: 1, noNaN: true }),
    melScale: fc.constantFrom('slaney', 'htk-kaldi'),
    melNorm: fc.constantFrom('slaney', 'none'),
    dtype: floatDType,
  })
  .chain(({ n, length, pad, lo, hi, dtype, ...attrs }) => {
    const nyquist = attrs.sampleRate / 2;
    const fbank = { ...attrs, nFft: Math.max(2, length + pad), fMin: lo * nyquist, fMax: hi * nyquist, log: 'none' };
    return caseArb([n, length], dtype, SIGNAL).map((frames) => call('fbank', [frames], fbank));
  });

// ---------------------------------------------------------------- element-wise kernels of issue 8

const BOOL_VALUES = fc.constantFrom(0, 1);

function boolCaseArb(shape: readonly number[]): fc.Arbitrary<LayoutCase> {
  return layoutCaseArb(shape, { kinds: STRIDED_KINDS, dtype: 'bool', values: BOOL_VALUES });
}

/** A broadcasting binary call over floats and int32, NaN/Inf and float32's range included. */
function numericBinaryCall(kernel: string, dtypes: fc.Arbitrary<DType> = anyDType): fc.Arbitrary<Call> {
  return fc
    .tuple(broadcastPairArb(), dtypes)
    .chain(([p, dtype]) => fc.tuple(caseArb(p.a, dtype, { nonFinite: true }), caseArb(p.b, dtype, { nonFinite: true })))
    .map(([a, b]) => call(kernel, [a, b]));
}

/** pow: float bases with float or int32 exponents (small ones, so powers stay finite often). */
const powCall = fc
  .tuple(broadcastPairArb(), floatDType, fc.boolean())
  .chain(([p, dtype, intExponent]) =>
    fc.tuple(
      caseArb(p.a, dtype, { nonFinite: true }),
      intExponent ? layoutCaseArb(p.b, { kinds: STRIDED_KINDS, dtype: 'int32', values: fc.integer({ min: -40, max: 40 }) }) : caseArb(p.b, dtype, { nonFinite: true, ordinary: 8 }),
    ),
  )
  .map(([a, b]) => call('pow', [a, b]));

function boolBinaryCall(kernel: 'and' | 'or'): fc.Arbitrary<Call> {
  return broadcastPairArb().chain((p) => fc.tuple(boolCaseArb(p.a), boolCaseArb(p.b))).map(([a, b]) => call(kernel, [a, b]));
}

const whereCall = fc
  .tuple(broadcastPairArb(), anyDType)
  .chain(([p, dtype]) => fc.tuple(boolCaseArb(p.a), caseArb(p.b, dtype, { nonFinite: true }), broadcastableTo(p.a).chain((s) => caseArb(s, dtype, { nonFinite: true }))))
  .map(([cond, x, y]) => call('where', [cond, x, y]));

/** A unary float call with the given attributes. */
function floatUnaryCall(kernel: string, attrs: fc.Arbitrary<object> = fc.constant({})): fc.Arbitrary<Call> {
  return fc.tuple(shapedCaseArb({}, floatDType, { nonFinite: true }), attrs).map(([x, a]) => call(kernel, [x], a));
}

const signedUnaryCall = (kernel: string): fc.Arbitrary<Call> => shapedCaseArb({}, anyDType, { nonFinite: true }).map((x) => call(kernel, [x]));
const ATTR = valueArb({ ordinary: 4, large: false, tiny: false });
const boundArb = maybe(fc.oneof(valueArb({ ordinary: 100, large: false }), fc.constantFrom(-Infinity, Infinity)));
const clipCall = fc
  .tuple(shapedCaseArb({}, floatDType, { nonFinite: true }), boundArb, boundArb)
  .map(([x, min, max]) => call('clip', [x], { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) }));
const castCall = fc
  .tuple(fc.constantFrom<DType>('float32', 'float64', 'int32', 'bool'), fc.constantFrom<DType>('float32', 'float64', 'int32', 'int8', 'int64', 'bool'))
  .chain(([from, to]) => (from === 'bool' ? shapeArb().chain((s) => boolCaseArb(s)) : shapedCaseArb({}, fc.constant(from), { nonFinite: true })).map((x) => call('cast', [x], { to })));

const ELEMENTWISE: Readonly<Record<string, fc.Arbitrary<Call>>> = {
  sub: numericBinaryCall('sub'),
  div: numericBinaryCall('div'),
  pow: powCall,
  max: numericBinaryCall('max'),
  min: numericBinaryCall('min'),
  equal: numericBinaryCall('equal'),
  less: numericBinaryCall('less'),
  greater: numericBinaryCall('greater'),
  and: boolBinaryCall('and'),
  or: boolBinaryCall('or'),
  not: shapeArb().chain((s) => boolCaseArb(s)).map((x) => call('not', [x])),
  where: whereCall,
  neg: signedUnaryCall('neg'),
  abs: signedUnaryCall('abs'),
  sign: signedUnaryCall('sign'),
  exp: floatUnaryCall('exp'),
  log: floatUnaryCall('log'),
  sqrt: floatUnaryCall('sqrt'),
  reciprocal: floatUnaryCall('reciprocal'),
  tanh: floatUnaryCall('tanh'),
  sigmoid: floatUnaryCall('sigmoid'),
  erf: floatUnaryCall('erf'),
  sin: floatUnaryCall('sin'),
  cos: floatUnaryCall('cos'),
  floor: floatUnaryCall('floor'),
  ceil: floatUnaryCall('ceil'),
  round: floatUnaryCall('round'),
  softplus: floatUnaryCall('softplus'),
  leakyRelu: floatUnaryCall('leakyRelu', fc.record({ alpha: ATTR })),
  elu: floatUnaryCall('elu', fc.record({ alpha: ATTR })),
  selu: floatUnaryCall('selu', fc.record({ alpha: ATTR, gamma: ATTR })),
  hardSigmoid: floatUnaryCall('hardSigmoid', fc.record({ alpha: ATTR, beta: ATTR })),
  clip: clipCall,
  cast: castCall,
};

export const CALLS: Readonly<Record<string, fc.Arbitrary<Call>>> = {
  ...ELEMENTWISE,
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
  fbank: fbankCall,
  pairwiseDistances: pairwiseDistancesCall,
  lloyd: lloydCall,
  hamerly: hamerlyCall,
  ...shapeCalls({ anyDType, floatDType, caseArb, shapedCaseArb }),
};
const SPECTRAL = new Set(['dft', 'stft', 'hannWindow', 'melWeightMatrix', 'fbank']);
