/**
 * fast-check arbitraries that every backend's tests share: shapes, element values (ordinary,
 * near the float32 limits, subnormal, optionally NaN / ±Inf), axes, permutations, broadcast
 * pairs, and layout cases.
 *
 * A layout case (see `layoutCase.ts`, re-exported here) describes one tensor of a requested
 * logical shape stored as `row`, `col`, a transposed, sliced, broadcast or reversed view,
 * together with its row-major values. The arbitraries produce plain descriptions only;
 * `LayoutCase.build(hp)` makes the tensors, so a property can call it inside `hp.scope()` and
 * shrinking never holds tensors.
 *
 * @example
 * fc.assert(fc.property(layoutCaseArb([3, 4]), (c) => hp.scope(() => {
 *   const x = c.build(hp);                 // e.g. a reversed view of a [5, 9] base
 *   assert.deepEqual([...hp.relu(x).toArray()], c.values.map((v) => (v > 0 || Number.isNaN(v) ? v : 0)));
 * })));
 */
import fc from 'fast-check';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import {
  broadcastGeometry,
  denseGeometry,
  LAYOUT_KINDS,
  layoutCaseOf,
  sizeOf,
  sliceGeometry,
  transposedGeometry,
  type Geometry,
  type LayoutCase,
  type LayoutKind,
} from './layoutCase.js';

export { LAYOUT_KINDS, LayoutCase, STRIDED_KINDS, type LayoutKind } from './layoutCase.js';

/** Largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;
/** Smallest positive (subnormal) float32. */
export const FLOAT32_TRUE_MIN = 2 ** -149;
/** Smallest positive normal float32. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

export interface ShapeOptions {
  readonly minRank?: number; // default 0
  readonly maxRank?: number; // default 4
  readonly minDim?: number; // default 0
  readonly maxDim?: number; // default 6
}

/** One dim: 1 and 0 (empty) appear often, otherwise 2..maxDim. */
export function dimArb(options: ShapeOptions = {}): fc.Arbitrary<number> {
  const { minDim = 0, maxDim = 6 } = options;
  const parts: fc.WeightedArbitrary<number>[] = [];
  const lo = Math.max(2, minDim);
  if (maxDim >= lo) {
    parts.push({ arbitrary: fc.integer({ min: lo, max: maxDim }), weight: 6 });
  }
  if (minDim <= 1 && maxDim >= 1) {
    parts.push({ arbitrary: fc.constant(1), weight: 3 });
  }
  if (minDim <= 0) {
    parts.push({ arbitrary: fc.constant(0), weight: 1 });
  }
  return fc.oneof(...parts);
}

/** A shape of rank minRank..maxRank (default 0..4) with dims from `dimArb`. */
export function shapeArb(options: ShapeOptions = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 4 } = options;
  return fc.array(dimArb(options), { minLength: minRank, maxLength: maxRank });
}

export interface ValueOptions {
  /** Ordinary values are uniform in [-ordinary, ordinary]. Default 100. */
  readonly ordinary?: number;
  /**
   * Include large magnitudes: log-uniform from `ordinary` up to maxAbs (every binade), and
   * magnitudes in [maxAbs / 1000, maxAbs]. Default true.
   */
  readonly large?: boolean;
  /** Upper bound of the large magnitudes. Default FLOAT32_MAX (so ±1e38 appears). */
  readonly maxAbs?: number;
  /** Include ±0, subnormal and tiny normal values. Default true. */
  readonly tiny?: boolean;
  /** Include NaN, Infinity and -Infinity. Default false. */
  readonly nonFinite?: boolean;
}

/**
 * A float32-representable number (so it is exact in float32 and float64 tensors). Small
 * integers appear often, which gives ties (equal maxima) and exact sums.
 */
export function valueArb(options: ValueOptions = {}): fc.Arbitrary<number> {
  const { ordinary = 100, large = true, maxAbs = FLOAT32_MAX, tiny = true, nonFinite = false } = options;
  const parts: fc.WeightedArbitrary<number>[] = [
    { arbitrary: fc.integer({ min: -8, max: 8 }), weight: 3 },
    // fc.float is uniform over bit patterns, which favours tiny magnitudes; scale integers instead.
    { arbitrary: fc.integer({ min: -(2 ** 20), max: 2 ** 20 }).map((i) => Math.fround((i / 2 ** 20) * ordinary)), weight: 6 },
  ];
  if (large) {
    const hi = Math.min(Math.fround(maxAbs), FLOAT32_MAX);
    // Every binade from `ordinary` to maxAbs alike (2^e times a float32 mantissa), so 1e20 and
    // 1e30 appear as often as 1e38; plus the top of the range, where float32 overflows.
    const top = Math.floor(Math.log2(hi));
    const bottom = Math.min(top, Math.max(0, Math.ceil(Math.log2(ordinary))));
    const binades = fc
      .tuple(fc.integer({ min: bottom, max: top }), fc.integer({ min: 0, max: 2 ** 23 - 1 }))
      .map(([e, m]) => Math.min(hi, Math.fround((1 + m / 2 ** 23) * 2 ** e)));
    const near = fc.float({ min: Math.fround(hi / 1000), max: hi, noNaN: true });
    parts.push({ arbitrary: signed(fc.oneof(binades, near)), weight: 2 });
  }
  if (tiny) {
    const subnormal = fc.integer({ min: 1, max: 2 ** 23 - 1 }).map((i) => i * FLOAT32_TRUE_MIN);
    const smallNormal = fc.float({ min: FLOAT32_MIN_NORMAL, max: 2 ** -100, noNaN: true });
    parts.push({ arbitrary: signed(fc.oneof(subnormal, smallNormal, fc.constant(0))), weight: 2 });
  }
  if (nonFinite) {
    parts.push({ arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity), weight: 1 });
  }
  return fc.oneof(...parts);
}

function signed(magnitude: fc.Arbitrary<number>): fc.Arbitrary<number> {
  return fc.tuple(fc.boolean(), magnitude).map(([negative, m]) => (negative ? -m : m));
}

/** A permutation of 0..rank-1. */
export function permutationArb(rank: number): fc.Arbitrary<number[]> {
  const axes = Array.from({ length: rank }, (_, i) => i);
  return fc.shuffledSubarray(axes, { minLength: rank, maxLength: rank });
}

/** One axis of a tensor of rank >= 1, written as in [-rank, rank - 1] (negative half the time). */
export function axisArb(rank: number): fc.Arbitrary<number> {
  return fc.tuple(fc.integer({ min: 0, max: rank - 1 }), fc.boolean()).map(([a, negative]) => (negative ? a - rank : a));
}

/** Distinct axes (possibly none) in any order, each written positive or negative. */
export function axesArb(rank: number): fc.Arbitrary<number[]> {
  const all = Array.from({ length: rank }, (_, i) => i);
  return fc
    .tuple(fc.shuffledSubarray(all), fc.array(fc.boolean(), { minLength: rank, maxLength: rank }))
    .map(([axes, negative]) => axes.map((a) => (negative[a] ? a - rank : a)));
}

/** Shapes `a` and `b` that broadcast (numpy rules) to `out`: leading dims dropped, dims set to 1. */
export function broadcastPairArb(options: ShapeOptions = {}): fc.Arbitrary<{ out: number[]; a: number[]; b: number[] }> {
  return shapeArb(options).chain((out) => {
    const operand = fc
      .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
    return fc.tuple(operand, operand).map(([a, b]) => ({ out: broadcastOf(a, b), a, b }));
  });
}

/** The numpy broadcast of two compatible shapes (dims are equal or 1 by construction). */
function broadcastOf(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

export interface LayoutCaseOptions {
  /** Kinds to draw from. Default: all of LAYOUT_KINDS. */
  readonly kinds?: readonly LayoutKind[];
  /** Default float32. Values are rounded to it; int64 / uint64 are not supported. */
  readonly dtype?: DType;
  /** Element values. Default `valueArb()`. */
  readonly values?: fc.Arbitrary<number>;
  /** Cap on the base's element count for sliced / reversed bases (steps shrink to fit). */
  readonly maxBaseSize?: number;
}

/** A layout case of exactly `shape`. */
export function layoutCaseArb(shape: readonly number[], options: LayoutCaseOptions = {}): fc.Arbitrary<LayoutCase> {
  const { kinds = LAYOUT_KINDS, dtype = 'float32', values = valueArb(), maxBaseSize = 2048 } = options;
  if (dtypeInfo(dtype).bigint) {
    throw new Error(`layoutCaseArb: ${dtype} is not supported (values are numbers)`);
  }
  return fc
    .constantFrom(...kinds)
    .chain((kind) => geometryArb(kind, shape, maxBaseSize))
    .chain((g) => {
      const n = sizeOf(g.baseShape);
      return fc.array(values, { minLength: n, maxLength: n }).map((raw) => layoutCaseOf(g, dtype, raw));
    });
}

/** A shape from `shapeArb(shapeOptions)` and a layout case of it. */
export function shapedLayoutCaseArb(shapeOptions: ShapeOptions = {}, options: LayoutCaseOptions = {}): fc.Arbitrary<LayoutCase> {
  return shapeArb(shapeOptions).chain((shape) => layoutCaseArb(shape, options));
}

function geometryArb(kind: LayoutKind, shape: readonly number[], maxBaseSize: number): fc.Arbitrary<Geometry> {
  const rank = shape.length;
  switch (kind) {
    case 'row':
    case 'col':
    case 'colFill':
      return fc.constant(denseGeometry(kind, shape));
    case 'transposed':
      return permutationArb(rank).map((perm) => transposedGeometry(shape, perm));
    case 'broadcast':
      return fc
        .tuple(fc.integer({ min: 0, max: rank }), fc.array(fc.boolean(), { minLength: rank, maxLength: rank }))
        .map(([lead, stretch]) => broadcastGeometry(shape, lead, stretch));
    case 'sliced':
    case 'reversed': {
      const axis = fc.record({ start: fc.integer({ min: 0, max: 2 }), step: fc.integer({ min: 1, max: 3 }), tail: fc.integer({ min: 0, max: 2 }), negative: fc.boolean() });
      return fc.array(axis, { minLength: rank, maxLength: rank }).map((axes) => sliceGeometry(kind, shape, axes, maxBaseSize));
    }
  }
}
