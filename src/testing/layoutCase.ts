/**
 * What a layout case is: one tensor of a requested logical shape stored as `row`, `col` (from
 * Fortran-ordered data, or `empty(..., { layout: 'col' })` then filled), a transposed view, a
 * sliced view (offset and step), a broadcast view (stride 0) or a reversed view (negative
 * step), together with its row-major values. `LayoutCase.build(hp)` makes the tensors, so a
 * property can call it inside `hp.scope()` and shrinking never holds tensors. The arbitraries
 * that draw cases are in `arbitraries.ts`, which re-exports this module's public names.
 *
 * The logical values are computed here from strides this file derives itself, not by the
 * library's view code, so a test that compares `build(hp).toArray()` with `values` checks the
 * library.
 */
import fc from 'fast-check';
import type { Runtime } from '../runtime/runtime.js';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

export type LayoutKind = 'row' | 'col' | 'colFill' | 'transposed' | 'sliced' | 'broadcast' | 'reversed';
export const LAYOUT_KINDS: readonly LayoutKind[] = ['row', 'col', 'colFill', 'transposed', 'sliced', 'broadcast', 'reversed'];
/** Every kind except `row` (some still come out row-contiguous for rank <= 1 or size-1 dims). */
export const STRIDED_KINDS: readonly LayoutKind[] = LAYOUT_KINDS.filter((k) => k !== 'row');

type Range = readonly [start: number, end: number | undefined, step: number];

/** Where the logical view sits in the base's storage (elements), derived in this file. */
export interface Geometry {
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

/** The case over `geometry` whose base storage is `raw` rounded to `dtype`. */
export function layoutCaseOf(geometry: Geometry, dtype: DType, raw: readonly number[]): LayoutCase {
  const base = roundTo(dtype, raw);
  return new LayoutCase(geometry, dtype, base, gather(base, geometry.shape, geometry.strides, geometry.offset));
}

/** `row`, `col` and `colFill`: the shape itself, contiguous in C or Fortran order. */
export function denseGeometry(kind: 'row' | 'col' | 'colFill', shape: readonly number[]): Geometry {
  return { kind, shape, baseShape: shape, strides: kind === 'row' ? rowStrides(shape) : colStrides(shape), offset: 0 };
}

/** A row-major base that `transpose(perm)` turns into `shape`. */
export function transposedGeometry(shape: readonly number[], perm: readonly number[]): Geometry {
  const rank = shape.length;
  // base.transpose(perm) has shape[i] = base.shape[perm[i]].
  const baseShape = new Array<number>(rank);
  perm.forEach((p, i) => (baseShape[p] = shape[i]!));
  const rs = rowStrides(baseShape);
  return { kind: 'transposed', shape, baseShape, strides: perm.map((p) => rs[p]!), offset: 0, perm };
}

/** A base without the first `lead` dims and with dims set to 1 where `stretch` says, broadcast to `shape`. */
export function broadcastGeometry(shape: readonly number[], lead: number, stretch: readonly boolean[]): Geometry {
  const baseShape = shape.slice(lead).map((d, i) => (stretch[i + lead] ? 1 : d));
  const rs = rowStrides(baseShape);
  const strides = shape.map((_, i) => (i < lead || baseShape[i - lead] === 1 ? 0 : rs[i - lead]!));
  return { kind: 'broadcast', shape, baseShape, strides, offset: 0 };
}

/** How one axis of a sliced or reversed case is cut from its base. */
export interface AxisCut {
  start: number;
  step: number;
  tail: number;
  /** Write the start index counted from the end (numpy negative index). */
  negative: boolean;
}

/**
 * Sliced: base[start : start + (d-1)*step + 1 : step]. Reversed: the same elements walked
 * backwards, base[last : start - 1 : -step] (end left out when it would be -1). The cuts are
 * first shrunk until the base fits in maxBaseSize.
 */
export function sliceGeometry(kind: 'sliced' | 'reversed', shape: readonly number[], cuts: readonly AxisCut[], maxBaseSize: number): Geometry {
  const axes = fit(shape, cuts, maxBaseSize);
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

/** Shrinks steps, then margins, axis by axis until the base fits in maxBaseSize (or is minimal). */
function fit(shape: readonly number[], axes: readonly AxisCut[], maxBaseSize: number): AxisCut[] {
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

// Deliberately not imported from src/tensor/layout.ts: expected values must not trust the library's stride code.

export function sizeOf(shape: readonly number[]): number {
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
