/**
 * fast-check arbitraries that every backend's tests share: shapes, element values (ordinary,
 * near the float32 limits, subnormal, optionally NaN / ±Inf), axes, permutations, broadcast
 * pairs, and layout cases.
 *
 * A layout case describes one tensor of a requested logical shape stored as `row`, `col`
 * (from Fortran-ordered data, or `empty(..., { layout: 'col' })` then filled), a transposed
 * view, a sliced view (offset and step), a broadcast view (stride 0) or a reversed view
 * (negative step), together with its row-major values. The arbitraries produce plain
 * descriptions only; `LayoutCase.build(hp)` makes the tensors, so a property can call it
 * inside `hp.scope()` and shrinking never holds tensors.
 *
 * The logical values are computed here from strides this file derives itself, not by the
 * library's view code, so a test that compares `build(hp).toArray()` with `values` checks the
 * library.
 *
 * @example
 * fc.assert(fc.property(layoutCaseArb([3, 4]), (c) => hp.scope(() => {
 *   const x = c.build(hp);                 // e.g. a reversed view of a [5, 9] base
 *   assert.deepEqual([...hp.relu(x).toArray()], c.values.map((v) => (v > 0 || Number.isNaN(v) ? v : 0)));
 * })));
 */
import fc from 'fast-check';
import type { Runtime } from '../runtime/runtime.js';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

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
  /** Include magnitudes in [maxAbs / 1000, maxAbs]. Default true. */
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
    parts.push({ arbitrary: signed(fc.float({ min: Math.fround(hi / 1000), max: hi, noNaN: true })), weight: 2 });
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

export type LayoutKind = 'row' | 'col' | 'colFill' | 'transposed' | 'sliced' | 'broadcast' | 'reversed';
export const LAYOUT_KINDS: readonly LayoutKind[] = ['row', 'col', 'colFill', 'transposed', 'sliced', 'broadcast', 'reversed'];
/** Every kind except `row` (some still come out row-contiguous for rank <= 1 or size-1 dims). */
export const STRIDED_KINDS: readonly LayoutKind[] = LAYOUT_KINDS.filter((k) => k !== 'row');

type Range = readonly [start: number, end: number | undefined, step: number];

/** Where the logical view sits in the base's storage (elements), derived in this file. */
interface Geometry {
  readonly kind: LayoutKind;
  readonly shape: readonly number[];
  readonly baseShape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly perm?: readonly number[];
  readonly ranges?: readonly Range[];
}

/**
 * One tensor recipe. `values` is the logical content in row-major order, `baseValues` the
 * storage of the base tensor the view is cut from (Fortran order for `col`).
 */
export class LayoutCase {
  constructor(
    readonly geometry: Geometry,
    readonly dtype: DType,
    readonly baseValues: readonly number[],
    readonly values: readonly number[],
  ) {}

  get kind(): LayoutKind {
    return this.geometry.kind;
  }
  get shape(): readonly number[] {
    return this.geometry.shape;
  }

  /** Builds the tensor with this layout on `hp` (owned by the caller or the current scope). */
  build(hp: Pick<Runtime, 'tensor' | 'empty'>): Tensor {
    const g = this.geometry;
    const dtype = this.dtype;
    switch (g.kind) {
      case 'row':
        return hp.tensor(Float64Array.from(this.values), g.shape, { dtype });
      case 'col':
        return hp.tensor(Float64Array.from(this.baseValues), g.shape, { dtype, layout: 'col' });
      case 'colFill': {
        const t = hp.empty(g.shape, dtype, { layout: 'col' });
        const data = t.data('LayoutCase.build');
        walk(g.shape, t.strides, t.offset, (off, i) => {
          data[off] = this.values[i]!;
        });
        return t;
      }
      case 'transposed':
        return this.base(hp).transpose(g.perm!);
      case 'sliced':
      case 'reversed':
        return this.base(hp).slice(...g.ranges!);
      case 'broadcast':
        return this.base(hp).broadcastTo(g.shape);
    }
  }

  /** A row-major tensor with the same logical values: the contiguous twin of `build`. */
  buildRow(hp: Pick<Runtime, 'tensor'>): Tensor {
    return hp.tensor(Float64Array.from(this.values), this.shape, { dtype: this.dtype });
  }

  private base(hp: Pick<Runtime, 'tensor'>): Tensor {
    return hp.tensor(Float64Array.from(this.baseValues), this.geometry.baseShape, { dtype: this.dtype });
  }

  /** How fast-check prints a counterexample: kind, geometry and the logical values. */
  [fc.toStringMethod](): string {
    const g = this.geometry;
    const extra = g.perm !== undefined ? ` perm=${JSON.stringify(g.perm)}` : g.ranges !== undefined ? ` slices=${fc.stringify(g.ranges)}` : '';
    return `LayoutCase(${g.kind} ${this.dtype}${JSON.stringify(g.shape)} base=${JSON.stringify(g.baseShape)}${extra} values=${fc.stringify(this.values)})`;
  }
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
      return fc.array(values, { minLength: n, maxLength: n }).map((raw) => {
        const base = roundTo(dtype, raw);
        return new LayoutCase(g, dtype, base, gather(base, g.shape, g.strides, g.offset));
      });
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
      return fc.constant({ kind, shape, baseShape: shape, strides: rowStrides(shape), offset: 0 });
    case 'col':
    case 'colFill':
      return fc.constant({ kind, shape, baseShape: shape, strides: colStrides(shape), offset: 0 });
    case 'transposed':
      return permutationArb(rank).map((perm) => {
        // base.transpose(perm) has shape[i] = base.shape[perm[i]].
        const baseShape = new Array<number>(rank);
        perm.forEach((p, i) => (baseShape[p] = shape[i]!));
        const rs = rowStrides(baseShape);
        return { kind, shape, baseShape, strides: perm.map((p) => rs[p]!), offset: 0, perm };
      });
    case 'broadcast':
      return fc
        .tuple(fc.integer({ min: 0, max: rank }), fc.array(fc.boolean(), { minLength: rank, maxLength: rank }))
        .map(([lead, stretch]) => {
          const baseShape = shape.slice(lead).map((d, i) => (stretch[i + lead] ? 1 : d));
          const rs = rowStrides(baseShape);
          const strides = shape.map((_, i) => (i < lead || baseShape[i - lead] === 1 ? 0 : rs[i - lead]!));
          return { kind, shape, baseShape, strides, offset: 0 };
        });
    case 'sliced':
    case 'reversed': {
      const axis = fc.record({ start: fc.integer({ min: 0, max: 2 }), step: fc.integer({ min: 1, max: 3 }), tail: fc.integer({ min: 0, max: 2 }), negative: fc.boolean() });
      return fc.array(axis, { minLength: rank, maxLength: rank }).map((axes) => sliceGeometry(kind, shape, fit(shape, axes, maxBaseSize)));
    }
  }
}

interface AxisCut {
  start: number;
  step: number;
  tail: number;
  /** Write the start index counted from the end (numpy negative index). */
  negative: boolean;
}

/** Shrinks steps, then margins, axis by axis until the base fits in maxBaseSize (or is minimal). */
function fit(shape: readonly number[], axes: AxisCut[], maxBaseSize: number): AxisCut[] {
  const out = axes.map((a) => ({ ...a }));
  const size = (): number => sizeOf(out.map((a, i) => baseDim(shape[i]!, a)));
  for (const field of ['step', 'tail', 'start'] as const) {
    for (let i = 0; i < out.length && size() > maxBaseSize; i++) {
      out[i]![field] = field === 'step' ? 1 : 0;
    }
  }
  return out;
}

function baseDim(d: number, a: AxisCut): number {
  return d === 0 ? a.start + a.tail : a.start + (d - 1) * a.step + 1 + a.tail;
}

/**
 * Sliced: base[start : start + (d-1)*step + 1 : step]. Reversed: the same elements walked
 * backwards, base[last : start - 1 : -step] (end left out when it would be -1).
 */
function sliceGeometry(kind: 'sliced' | 'reversed', shape: readonly number[], axes: readonly AxisCut[]): Geometry {
  const baseShape = shape.map((d, i) => baseDim(d, axes[i]!));
  const rs = rowStrides(baseShape);
  let offset = 0;
  const strides: number[] = [];
  const ranges = shape.map((d, i): Range => {
    const { start, step, negative } = axes[i]!;
    const bd = baseShape[i]!;
    const written = (index: number): number => (negative ? index - bd : index);
    if (d === 0) {
      strides.push(rs[i]! * (kind === 'sliced' ? step : -step));
      return [0, 0, kind === 'sliced' ? step : -step];
    }
    const last = start + (d - 1) * step;
    if (kind === 'sliced') {
      offset += start * rs[i]!;
      strides.push(rs[i]! * step);
      // An end at the base's length is left out: written as a negative index it would be 0.
      return [written(start), last + 1 < bd ? written(last + 1) : undefined, step];
    }
    offset += last * rs[i]!;
    strides.push(-rs[i]! * step);
    return [written(last), start === 0 ? undefined : written(start - 1), -step];
  });
  return { kind, shape, baseShape, strides, offset, ranges };
}

/** Values rounded to the dtype, as a typed array of it stores them. */
function roundTo(dtype: DType, values: readonly number[]): number[] {
  const info = dtypeInfo(dtype);
  const typed = info.create(new ArrayBuffer(values.length * info.bytes), 0, values.length);
  values.forEach((v, i) => (typed[i] = v));
  return Array.from(typed as ArrayLike<number>);
}

/** Row-major values of the view (shape, strides, offset) over `storage`. */
function gather(storage: readonly number[], shape: readonly number[], strides: readonly number[], offset: number): number[] {
  const out: number[] = [];
  walk(shape, strides, offset, (off) => out.push(storage[off]!));
  return out;
}

/** Visits every index of `shape` in C order with its storage offset and its flat index. */
function walk(shape: readonly number[], strides: readonly number[], offset: number, visit: (off: number, i: number) => void): void {
  const n = sizeOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = offset;
    index.forEach((k, axis) => (off += k * strides[axis]!));
    visit(off, i);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis]!++;
      if (index[axis]! < shape[axis]!) {
        break;
      }
      index[axis] = 0;
    }
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function rowStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= Math.max(shape[i]!, 1);
  }
  return strides;
}

function colStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = 0; i < shape.length; i++) {
    strides[i] = step;
    step *= Math.max(shape[i]!, 1);
  }
  return strides;
}
