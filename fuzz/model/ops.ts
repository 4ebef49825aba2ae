/**
 * The fuzzer's tensor operations: create (hp.tensor from typed or nested data, hp.empty; three
 * dtypes, row or col layout, empty dims), views (transpose, slice, reshape, broadcastTo), reads
 * and release. Each runs synchronously in the caller's async context, checks the outcome
 * against the model (a released tensor must throw LIFETIME and nothing else; a live one must
 * give the model's values) and updates the model.
 */
import type { DType, SliceSpec, Tensor } from '../../src/index.js';
import { attempt, intIn, LIFETIME, ModelViolation, OK, okOr, oneOf, rng, sameValues } from './expect.js';
import { colStridesOf, gather, rowStridesOf, sizeOfShape, type Handle, type MFrame, type View, type World } from './world.js';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

type NestedNumbers = number | NestedNumbers[];

/** A shape of rank 0..3 with dims 0..3 (0 rarely). */
export function randomShape(r: () => number): number[] {
  const rank = intIn(r, 0, 3);
  return Array.from({ length: rank }, () => (r() < 0.06 ? 0 : intIn(r, 1, 3)));
}

function typed(dtype: DType, values: readonly number[]): Float32Array | Float64Array | Int32Array {
  if (dtype === 'float32') {
    return Float32Array.from(values);
  }
  return dtype === 'float64' ? Float64Array.from(values) : Int32Array.from(values);
}

function nest(flat: readonly number[], shape: readonly number[]): NestedNumbers {
  if (shape.length === 0) {
    return flat[0]!;
  }
  const [d, ...rest] = shape;
  const inner = sizeOfShape(rest);
  return Array.from({ length: d! }, (_, i) => nest(flat.slice(i * inner, (i + 1) * inner), rest));
}

/** Logical row-major values laid out in memory by `strides` (a permutation of the indices). */
function inMemoryOrder(logical: readonly number[], shape: readonly number[], strides: readonly number[]): number[] {
  const out = new Array<number>(logical.length).fill(0);
  const offsets = gather(Array.from({ length: logical.length }, (_, i) => i), { shape, strides, offset: 0 });
  offsets.forEach((off, i) => {
    out[off] = logical[i]!;
  });
  return out;
}

/** hp.tensor (typed array in memory order, or nested numbers in logical order) or hp.empty. */
export function create(w: World, frame: MFrame | undefined, seed: number): void {
  const r = rng(seed);
  const dtype = oneOf(r, DTYPES);
  const shape = randomShape(r);
  const layout = r() < 0.3 ? 'col' : 'row';
  const kind = oneOf(r, ['typed', 'nested', 'empty'] as const);
  const size = sizeOfShape(shape);
  const strides = layout === 'col' ? colStridesOf(shape) : rowStridesOf(shape);
  const logical = Array.from({ length: size }, () => intIn(r, -9, 9));
  let stored: number[];
  let real: Tensor | undefined;
  if (kind === 'empty') {
    stored = new Array<number>(size).fill(0);
    real = attempt(w.tally, 'empty', OK, () => w.hp.empty(shape, dtype, { layout }));
  } else if (kind === 'typed') {
    // A typed array is taken as it lies in memory: with layout 'col' it is Fortran-ordered.
    stored = logical;
    real = attempt(w.tally, 'tensor(typed)', OK, () => w.hp.tensor(typed(dtype, stored), shape, { layout }));
  } else {
    // Nested numbers are logical values; layout only picks the memory order.
    stored = inMemoryOrder(logical, shape, strides);
    real = attempt(w.tally, 'tensor(nested)', OK, () => w.hp.tensor(nest(logical, shape) as never, shape, { dtype, layout }));
  }
  const h = w.addBase(real!, dtype, stored, { shape, strides, offset: 0 }, frame);
  checkValues(w, h, 'create');
}

/** The real tensor's shape and values against the model's. */
function checkValues(w: World, h: Handle, operation: string): void {
  if (JSON.stringify(h.real.shape) !== JSON.stringify(h.view.shape)) {
    throw new ModelViolation(`${operation}: shape ${JSON.stringify(h.real.shape)}, expected ${JSON.stringify(h.view.shape)}`);
  }
  if (h.real.dtype !== h.storage.dtype) {
    throw new ModelViolation(`${operation}: dtype ${h.real.dtype}, expected ${h.storage.dtype}`);
  }
  const problem = sameValues(h.real.toArray() as ArrayLike<number>, w.logical(h));
  if (problem !== undefined) {
    throw new ModelViolation(`${operation} -> ${h.real.describe()}: ${problem}`);
  }
}

function permutation(r: () => number, rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  for (let i = rank - 1; i > 0; i--) {
    const j = intIn(r, 0, i);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return perm;
}

/** Python's slice.indices(d): normalised start and the element count. */
function sliceIndices(d: number, start: number | undefined, end: number | undefined, step: number): { start: number; count: number } {
  const norm = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
  const s = start === undefined ? (step > 0 ? 0 : d - 1) : step > 0 ? norm(start, 0, d) : norm(start, -1, d - 1);
  const e = end === undefined ? (step > 0 ? d : -1) : step > 0 ? norm(end, 0, d) : norm(end, -1, d - 1);
  const count = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  return { start: s, count };
}

function sliceOf(r: () => number, view: View): { specs: SliceSpec[]; view: View } {
  const specs: SliceSpec[] = [];
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = view.offset;
  const used = intIn(r, 0, view.shape.length);
  view.shape.forEach((d, axis) => {
    const stride = view.strides[axis]!;
    const kind = axis >= used ? 'none' : r() < 0.25 && d > 0 ? 'index' : r() < 0.15 ? 'null' : 'range';
    if (kind === 'index') {
      const i = intIn(r, -d, d - 1);
      specs.push(i);
      offset += (i < 0 ? i + d : i) * stride;
      return;
    }
    if (kind === 'range') {
      const maybe = (): number | undefined => (r() < 0.3 ? undefined : intIn(r, -4, 4));
      const step = oneOf(r, [1, 1, 2, -1, -2, 3]);
      const start = maybe();
      const end = maybe();
      specs.push([start, end, step]);
      const { start: s, count } = sliceIndices(d, start, end, step);
      if (count > 0) {
        offset += s * stride;
      }
      shape.push(count);
      strides.push(stride * step);
      return;
    }
    if (kind === 'null') {
      specs.push(null);
    }
    shape.push(d);
    strides.push(stride);
  });
  return { specs, view: { shape, strides, offset } };
}

function broadcastOf(r: () => number, view: View): View {
  const extra = intIn(r, 0, 1);
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < extra; i++) {
    shape.push(intIn(r, 1, 3));
    strides.push(0);
  }
  view.shape.forEach((d, axis) => {
    const stretch = d === 1 && r() < 0.6;
    shape.push(stretch ? intIn(r, 2, 3) : d);
    strides.push(stretch ? 0 : view.strides[axis]!);
  });
  return { shape, strides, offset: view.offset };
}

/** A shape of `size` elements (one dim may be -1 when that is unambiguous). */
function reshapeTarget(r: () => number, size: number): number[] {
  const rank = intIn(r, size === 1 ? 0 : 1, 3);
  if (rank === 0) {
    return [];
  }
  const dims: number[] = [];
  let left = size;
  for (let i = 0; i < rank - 1; i++) {
    const divisors = size === 0 ? [0, 1, 2, 3] : Array.from({ length: left }, (_, k) => k + 1).filter((k) => left % k === 0);
    const d = oneOf(r, divisors);
    dims.push(d);
    left = d === 0 ? left : left / d;
  }
  dims.push(size === 0 && !dims.includes(0) ? 0 : size === 0 ? intIn(r, 0, 3) : left);
  if (size > 0 && dims.length > 0 && r() < 0.3) {
    dims[intIn(r, 0, dims.length - 1)] = -1;
  }
  return dims;
}

/** Can this view be reshaped without a copy in any case (numpy's C-contiguous)? */
function rowContiguous(view: View): boolean {
  const row = rowStridesOf(view.shape);
  return sizeOfShape(view.shape) > 0 && view.shape.every((d, i) => d === 1 || view.strides[i] === row[i]);
}

/** transpose / slice / reshape / broadcastTo of any handle (live or released). */
export function view(w: World, frame: MFrame | undefined, pick: number, seed: number): void {
  const h = w.handle(pick);
  const r = rng(seed);
  const live = w.alive(h);
  const kind = oneOf(r, ['transpose', 'slice', 'reshape', 'broadcastTo'] as const);
  const v = h.view;
  let made: Tensor | undefined;
  let model: View | undefined;
  if (kind === 'transpose') {
    const perm = r() < 0.3 ? undefined : permutation(r, v.shape.length);
    const order = perm ?? v.shape.map((_, i) => v.shape.length - 1 - i);
    model = { shape: order.map((a) => v.shape[a]!), strides: order.map((a) => v.strides[a]!), offset: v.offset };
    made = attempt(w.tally, 'transpose', live ? OK : LIFETIME, () => h.real.transpose(perm));
  } else if (kind === 'slice') {
    const s = sliceOf(r, v);
    model = s.view;
    made = attempt(w.tally, 'slice', live ? OK : LIFETIME, () => h.real.slice(...s.specs));
  } else if (kind === 'broadcastTo') {
    model = broadcastOf(r, v);
    const shape = model.shape;
    made = attempt(w.tally, 'broadcastTo', live ? OK : LIFETIME, () => h.real.broadcastTo(shape));
  } else {
    const target = reshapeTarget(r, sizeOfShape(v.shape));
    // A C-contiguous view always reshapes in place; others may need a copy (LAYOUT).
    made = attempt(w.tally, 'reshape', !live ? LIFETIME : rowContiguous(v) ? OK : okOr('LAYOUT'), () => h.real.reshape(target));
    if (made !== undefined) {
      model = adoptReshape(w, h, made, target);
    }
  }
  if (made !== undefined) {
    const child = w.addView(made, h, model!, frame);
    checkValues(w, child, kind);
  }
}

/**
 * The runtime's strides for a reshape, accepted once they address the parent's elements in
 * row-major order (what a reshape is) inside the storage.
 */
function adoptReshape(w: World, h: Handle, made: Tensor, target: readonly number[]): View {
  const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const shape = target.map((d) => (d === -1 ? sizeOfShape(h.view.shape) / known : d));
  const view: View = { shape, strides: [...made.strides], offset: made.offset };
  const offsets = gather(Array.from({ length: h.storage.values.length }, (_, i) => i), view);
  if (offsets.some((o) => o === undefined || o < 0 || o >= h.storage.values.length)) {
    throw new ModelViolation(`reshape ${JSON.stringify(target)} of ${h.real.describe()}: strides ${JSON.stringify(made.strides)} offset ${made.offset} reach outside the storage`);
  }
  const problem = sameValues(gather(h.storage.values, view), w.logical(h));
  if (problem !== undefined) {
    throw new ModelViolation(`reshape ${JSON.stringify(target)} of ${h.real.describe()}: not the row-major order of the original: ${problem}`);
  }
  return view;
}

/** Does this view cover its whole storage in exactly this memory order (numpy's C or F contiguous)? */
function denseIn(view: View, storageLength: number, layout: 'row' | 'col'): boolean {
  const want = layout === 'row' ? rowStridesOf(view.shape) : colStridesOf(view.shape);
  // An empty tensor lies every way at once (numpy flags it both C and F contiguous).
  const empty = sizeOfShape(view.shape) === 0;
  return view.offset === 0 && (empty ? storageLength === 0 : true) && sizeOfShape(view.shape) === storageLength && (empty || view.shape.every((d, i) => d <= 1 || view.strides[i] === want[i]));
}

/**
 * clone(layout) (always a copy), contiguous(layout) (a view when the tensor already lies that
 * way, else a copy) or astype(dtype) (a new tensor, values converted; integers stay exact).
 */
export function copy(w: World, frame: MFrame | undefined, pick: number, seed: number): void {
  const h = w.handle(pick);
  const r = rng(seed);
  const live = w.alive(h);
  const kind = oneOf(r, ['clone', 'contiguous', 'astype'] as const);
  const layout = r() < 0.4 ? 'col' : 'row';
  const dtype = oneOf(r, DTYPES);
  const made = attempt(w.tally, kind, live ? OK : LIFETIME, () => (kind === 'astype' ? h.real.astype(dtype) : kind === 'clone' ? h.real.clone(layout) : h.real.contiguous(layout)));
  if (made === undefined) {
    return;
  }
  const shape = [...h.view.shape];
  if (made.storage === h.real.storage) {
    // Only contiguous() may answer with a view, and only of a tensor that already lies that way.
    if (kind !== 'contiguous' || !denseIn(h.view, h.storage.values.length, layout)) {
      throw new ModelViolation(`${kind}(${layout}) of ${h.real.describe()} returned a view of the same storage, expected a copy`);
    }
    checkValues(w, w.addView(made, h, { shape, strides: [...made.strides], offset: made.offset }, frame), kind);
    return;
  }
  const outDtype = kind === 'astype' ? dtype : h.storage.dtype;
  const strides = kind !== 'astype' && layout === 'col' ? colStridesOf(shape) : rowStridesOf(shape);
  // astype as numpy: float -> int truncates toward zero; float64 -> float32 rounds to nearest.
  const convert = (v: number): number => (outDtype === 'int32' ? Math.trunc(v) | 0 : outDtype === 'float32' ? Math.fround(v) : v);
  const child = w.addBase(made, outDtype, inMemoryOrder(w.logical(h).map(convert), shape, strides), { shape, strides, offset: 0 }, frame);
  if (kind !== 'astype' && JSON.stringify(made.strides) !== JSON.stringify(strides) && sizeOfShape(shape) > 1) {
    throw new ModelViolation(`${kind}('${layout}') of ${h.real.describe()}: strides ${JSON.stringify(made.strides)}, expected ${JSON.stringify(strides)}`);
  }
  checkValues(w, child, kind);
}

/** toArray, get(index) or item(). */
export function read(w: World, pick: number, seed: number): void {
  const h = w.handle(pick);
  const r = rng(seed);
  const live = w.alive(h);
  const size = sizeOfShape(h.view.shape);
  const values = live ? w.logical(h) : [];
  if (size === 0 || r() < 0.4) {
    const got = attempt(w.tally, 'toArray', live ? OK : LIFETIME, () => h.real.toArray());
    const problem = got === undefined ? undefined : sameValues(got as ArrayLike<number>, values);
    if (problem !== undefined) {
      throw new ModelViolation(`toArray of ${h.real.describe()}: ${problem}`);
    }
    return;
  }
  const index = h.view.shape.map((d) => intIn(r, -d, d - 1));
  let flat = 0;
  index.forEach((i, axis) => {
    flat = flat * h.view.shape[axis]! + (i < 0 ? i + h.view.shape[axis]! : i);
  });
  const useItem = size === 1 && r() < 0.5;
  const got = attempt(w.tally, useItem ? 'item' : 'get', live ? OK : LIFETIME, () => (useItem ? h.real.item() : h.real.get(...index)));
  if (got !== undefined && Number(got) !== values[flat]) {
    throw new ModelViolation(`get(${index.join(', ')}) of ${h.real.describe()}: ${Number(got)}, expected ${values[flat]}`);
  }
}

/** release() or [Symbol.dispose](); a second release is a no-op and never throws. */
export function release(w: World, pick: number, dispose: boolean): void {
  const h = w.handle(pick);
  attempt(w.tally, dispose ? 'dispose' : 'release', OK, () => (dispose ? h.real[Symbol.dispose]() : h.real.release()));
  w.release(h);
}
