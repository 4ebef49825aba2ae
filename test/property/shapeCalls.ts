/**
 * Call generators for the shape, indexing and extreme-value kernels (reduceMax ... flatten), in
 * the form of calls.ts, whose CALLS spreads them in. Extreme values and sorts draw NaN and ±Inf;
 * sums stay below the float32 limit. calls.ts passes its helpers in (an import back would be a
 * cycle). Not a test file.
 */
import fc from 'fast-check';
import type { DType } from '../../src/tensor/dtype.js';
import { axesArb, axisArb, broadcastPairArb, shapeArb, STRIDED_KINDS, layoutCaseArb, type LayoutCase, type ShapeOptions, type ValueOptions } from '../../src/testing/arbitraries.js';
import type { Call } from './calls.js';

/** The helpers of calls.ts these generators share. */
export interface CaseHelpers {
  readonly anyDType: fc.Arbitrary<DType>;
  readonly floatDType: fc.Arbitrary<DType>;
  caseArb(shape: readonly number[], dtype: DType, options?: ValueOptions): fc.Arbitrary<LayoutCase>;
  shapedCaseArb(shape: ShapeOptions, dtypes: fc.Arbitrary<DType>, options?: ValueOptions): fc.Arbitrary<LayoutCase>;
}

/** Generators by kernel id. */
export function shapeCalls({ anyDType, floatDType, caseArb, shapedCaseArb }: CaseHelpers): Record<string, fc.Arbitrary<Call>> {
  const call = (kernel: string, inputs: readonly (LayoutCase | undefined)[], attrs: object = {}): Call => ({ kernel, inputs, attrs });
  const WILD = { nonFinite: true };

  function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
    return fc.option(arb, { nil: undefined, freq: 3 });
  }

  function extremeCall(kernel: 'reduceMax' | 'reduceMin'): fc.Arbitrary<Call> {
    return shapedCaseArb({}, anyDType, WILD).chain((x) => {
      const rank = x.shape.length;
      // numpy's single `axis` besides ONNX's `axes` (absent: every axis).
      const axes = rank === 0 ? fc.constant({}) : fc.oneof(maybe(axesArb(rank)).map((a) => ({ axes: a })), axisArb(rank).map((axis) => ({ axis })));
      return fc.tuple(axes, fc.boolean(), fc.boolean()).map(([a, keepdims, noopWithEmptyAxes]) => call(kernel, [x], { ...a, keepdims, noopWithEmptyAxes }));
    });
  }

  function argCall(kernel: 'argMax' | 'argMin'): fc.Arbitrary<Call> {
    // No empty dims: the arg of an empty axis is an error.
    return shapedCaseArb({ minRank: 1, minDim: 1 }, anyDType, WILD).chain((x) =>
      fc.record({ axis: axisArb(x.shape.length), keepdims: fc.boolean(), selectLastIndex: fc.boolean() }).map((attrs) => call(kernel, [x], attrs)),
    );
  }

  // 6 terms of 1e34 stay below the float32 limit: no backend overflows mid-sum.
  const cumSumCall = shapedCaseArb({ minRank: 1 }, anyDType, { maxAbs: 1e34, nonFinite: true }).chain((x) =>
    fc.record({ axis: axisArb(x.shape.length), exclusive: fc.boolean(), reverse: fc.boolean() }).map((attrs) => call('cumSum', [x], attrs)),
  );

  const topKCall = shapedCaseArb({ minRank: 1 }, anyDType, WILD).chain((x) =>
    axisArb(x.shape.length).chain((axis) => {
      const n = x.shape[axis < 0 ? axis + x.shape.length : axis]!;
      return fc.record({ k: fc.integer({ min: 0, max: n }), largest: fc.boolean(), sorted: fc.boolean() }).map((attrs) => call('topK', [x], { ...attrs, axis }));
    }),
  );

  const concatCall = fc
    .record({ shape: shapeArb({ minRank: 1, maxRank: 3 }), lengths: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }), pick: fc.nat(), negative: fc.boolean(), dtype: anyDType })
    .chain(({ shape, lengths, pick, negative, dtype }) => {
      const axis = pick % shape.length;
      const parts = lengths.map((n) => caseArb(shape.map((d, i) => (i === axis ? n : d)), dtype, WILD));
      return fc.tuple(...parts).map((xs) => call('concat', xs, { axis: negative ? axis - shape.length : axis }));
    });

  const gatherCall = fc
    .record({ shape: shapeArb({ minRank: 1, maxRank: 3, minDim: 1 }), indices: shapeArb({ maxRank: 2, maxDim: 4 }), pick: fc.nat(), dtype: anyDType, indexType: fc.constantFrom<DType>('int32') })
    .chain(({ shape, indices, pick, dtype, indexType }) => {
      const axis = pick % shape.length;
      const d = shape[axis]!;
      const index = layoutCaseArb(indices, { kinds: STRIDED_KINDS, dtype: indexType, values: fc.integer({ min: -d, max: d - 1 }) });
      return fc.tuple(caseArb(shape, dtype, WILD), index).map(([x, i]) => call('gather', [x, i], { axis }));
    });

  const rangeCall = fc
    .record({ start: fc.integer({ min: -20, max: 20 }), count: fc.integer({ min: -2, max: 40 }), delta: fc.constantFrom(1, 2, 3, -1, -2, 0.5, -0.25, 0.1), dtype: fc.constantFrom<DType>('float32', 'float64', 'int32') })
    .map(({ start, count, delta, dtype }) => {
      const step = dtype === 'int32' ? Math.sign(delta) * Math.max(1, Math.round(Math.abs(delta))) : delta;
      return call('range', [], { start, limit: start + count * step, delta: step, dtype });
    });

  const expandCall = fc
    .tuple(broadcastPairArb(), anyDType)
    .chain(([p, dtype]) => caseArb(p.a, dtype, WILD).map((x) => call('expand', [x], { shape: p.b })));

  const tileCall = shapedCaseArb({ maxRank: 3 }, anyDType, WILD).chain((x) =>
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: x.shape.length, maxLength: x.shape.length }).map((repeats) => call('tile', [x], { repeats })),
  );

  const bound = fc.integer({ min: -9, max: 9 });
  const sliceCall = shapedCaseArb({ minRank: 1 }, anyDType, WILD).chain((x) => {
    const rank = x.shape.length;
    const axisSpec = fc.record({ start: bound, end: fc.oneof(bound, fc.constantFrom(2 ** 63, -(2 ** 63))), step: fc.constantFrom(1, 2, 3, -1, -2, -3) });
    return fc.tuple(axesArb(rank), fc.array(axisSpec, { minLength: rank, maxLength: rank }), fc.boolean()).map(([axes, specs, defaultAxes]) => {
      const used = defaultAxes ? specs.map((_, i) => i) : axes;
      const pick = (f: (s: (typeof specs)[number]) => number) => used.map((_, i) => f(specs[i]!));
      const attrs = { starts: pick((s) => s.start), ends: pick((s) => s.end), steps: pick((s) => s.step) };
      return call('slice', [x], defaultAxes ? attrs : { ...attrs, axes: used });
    });
  });

  const squeezeCall = shapedCaseArb({}, anyDType, WILD).chain((x) => {
    const ones = x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
    return maybe(fc.shuffledSubarray(ones)).map((axes) => call('squeeze', [x], { axes }));
  });

  const unsqueezeCall = fc.tuple(shapedCaseArb({ maxRank: 3 }, anyDType, WILD), fc.integer({ min: 1, max: 2 })).chain(([x, extra]) => {
    const rank = x.shape.length + extra;
    return fc.shuffledSubarray(Array.from({ length: rank }, (_, i) => i), { minLength: extra, maxLength: extra }).chain((axes) =>
      fc.array(fc.boolean(), { minLength: extra, maxLength: extra }).map((negative) => call('unsqueeze', [x], { axes: axes.map((a, i) => (negative[i] ? a - rank : a)) })),
    );
  });

  const reshapeCall = shapedCaseArb({}, anyDType, WILD).chain((x) => {
    const size = x.shape.reduce((p, d) => p * d, 1);
    // A 0 in a target is a zero dim only with allowzero; [0, -1] copies the input's first dim.
    const zero = (shape: number[]) => ({ shape, allowzero: shape.includes(0) });
    const targets = [zero([size]), zero([1, ...x.shape, 1]), zero([...x.shape].reverse())];
    if (size > 0) {
      targets.push({ shape: [-1], allowzero: false });
    }
    if (x.shape.length > 0 && x.shape[0]! > 0 && size > 0) {
      targets.push({ shape: [0, -1], allowzero: false });
    }
    return fc.constantFrom(...targets).map((attrs) => call('reshape', [x], attrs));
  });

  const flattenCall = shapedCaseArb({}, floatDType, WILD).chain((x) =>
    fc.integer({ min: -x.shape.length, max: x.shape.length }).map((axis) => call('flatten', [x], { axis })),
  );

  return {
    reduceMax: extremeCall('reduceMax'),
    reduceMin: extremeCall('reduceMin'),
    argMax: argCall('argMax'),
    argMin: argCall('argMin'),
    cumSum: cumSumCall,
    topK: topKCall,
    concat: concatCall,
    gather: gatherCall,
    range: rangeCall,
    expand: expandCall,
    tile: tileCall,
    slice: sliceCall,
    squeeze: squeezeCall,
    unsqueeze: unsqueezeCall,
    reshape: reshapeCall,
    flatten: flattenCall,
  };
}
