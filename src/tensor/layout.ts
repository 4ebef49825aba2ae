/**
 * Pure stride math. Shapes and strides are in elements, not bytes. Nothing here touches data.
 */
import { fail } from '../errors.js';

export type Layout = 'row' | 'col' | 'strided';
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
  }
  return n;
}

/** C-order strides: the last dim varies fastest. */
export function rowStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** Fortran-order strides: the first dim varies fastest. */
export function colStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = 0; i < shape.length; i++) {
    strides[i] = step;
    step *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** True when the view walks memory in C order without gaps (size-1 dims may have any stride). */
export function isRowContiguous(shape: Shape, strides: readonly number[]): boolean {
  if (sizeOf(shape) === 0) {
    return true;
  }
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== step) {
      return false;
    }
    step *= d;
  }
  return true;
}

/** True when the view walks memory in Fortran order without gaps. */
export function isColContiguous(shape: Shape, strides: readonly number[]): boolean {
  if (sizeOf(shape) === 0) {
    return true;
  }
  let step = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== step) {
      return false;
    }
    step *= d;
  }
  return true;
}

/** `row` wins when a view is both (rank <= 1, or all but one dim of size 1). */
export function layoutOf(shape: Shape, strides: readonly number[]): Layout {
  if (isRowContiguous(shape, strides)) {
    return 'row';
  }
  if (isColContiguous(shape, strides)) {
    return 'col';
  }
  return 'strided';
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Resolves a possibly negative axis. Throws ARGUMENT naming the valid range. */
export function normalizeAxis(axis: number, rank: number, where: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    return fail({
      code: 'ARGUMENT',
      kernel: where,
      problem: 'axis out of range',
      expected: rank === 0 ? 'no axis (rank 0)' : `an integer in [${-rank}, ${rank - 1}]`,
      received: String(axis),
    });
  }
  return axis < 0 ? axis + rank : axis;
}

/** numpy broadcasting of two shapes; null when they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) {
      out[i] = da;
    } else if (da === 1) {
      out[i] = db;
    } else {
      return null;
    }
  }
  return out;
}

/**
 * Strides that view `shape` as `target` (same rank or higher) by broadcasting: stride 0 on
 * stretched or prepended dims. null when `shape` cannot broadcast to `target`.
 */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] | null {
  const lead = target.length - shape.length;
  if (lead < 0) {
    return null;
  }
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    const t = target[lead + i]!;
    if (d === t) {
      out[lead + i] = d === 1 ? 0 : strides[i]!;
    } else if (d !== 1) {
      return null;
    }
  }
  return out;
}

/**
 * Strides that let a view with (shape, strides) be read as newShape without copying, in C
 * order; null when that needs a copy. Follows the classic rule: every run of old dims that
 * merges into one group of new dims must itself be contiguous.
 */
export function reshapeStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (sizeOf(shape) === 0 || isRowContiguous(shape, strides)) {
    return rowStrides(newShape);
  }
  // Drop size-1 dims of the old view: they carry no stride information.
  const oldDims: number[] = [];
  const oldStrides: number[] = [];
  shape.forEach((d, i) => {
    if (d !== 1) {
      oldDims.push(d);
      oldStrides.push(strides[i]!);
    }
  });
  const out = new Array<number>(newShape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (ni < newShape.length && oi < oldDims.length) {
    let np = newShape[ni]!;
    let op = oldDims[oi]!;
    const ni0 = ni;
    const oi0 = oi;
    while (np !== op) {
      if (np < op) {
        ni++;
        np *= newShape[ni]!;
      } else {
        oi++;
        op *= oldDims[oi]!;
      }
    }
    for (let k = oi0; k < oi; k++) {
      if (oldStrides[k] !== oldStrides[k + 1]! * oldDims[k + 1]!) {
        return null;
      }
    }
    out[ni] = oldStrides[oi]!;
    for (let k = ni; k > ni0; k--) {
      out[k - 1] = out[k]! * newShape[k]!;
    }
    ni++;
    oi++;
  }
  // Trailing size-1 dims of the new shape: any stride works.
  for (; ni < newShape.length; ni++) {
    out[ni] = 1;
  }
  return out;
}

/**
 * Calls `visit(offset, index)` for every element in C order of the logical index, where
 * `offset` is the element offset into storage. The loop a reader can check by eye.
 */
export function eachOffset(
  shape: Shape,
  strides: readonly number[],
  offset: number,
  visit: (offset: number, index: number) => void,
): void {
  const n = sizeOf(shape);
  if (n === 0) {
    return;
  }
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let off = offset;
  for (let i = 0; i < n; i++) {
    visit(off, i);
    // Odometer increment from the last dim.
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      off += strides[d]!;
      if (counter[d]! < shape[d]!) {
        break;
      }
      off -= strides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

/**
 * Walks several views of one logical shape together, one innermost row at a time: calls
 * `visit(bases)` with the element offset where the row starts in each view. The caller loops
 * over the last dim itself with each view's last stride. Rank 0 is one row of length 1.
 */
export function forEachRow(
  shape: Shape,
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  visit: (bases: readonly number[]) => void,
): void {
  if (sizeOf(shape) === 0) {
    return;
  }
  const outer = shape.length <= 1 ? 0 : shape.length - 1;
  const rows = sizeOf(shape.slice(0, outer));
  const counter = new Array<number>(outer).fill(0);
  const bases = [...offsets];
  for (let r = 0; r < rows; r++) {
    visit(bases);
    for (let d = outer - 1; d >= 0; d--) {
      counter[d]!++;
      for (let v = 0; v < bases.length; v++) {
        bases[v]! += strides[v]![d]!;
      }
      if (counter[d]! < shape[d]!) {
        break;
      }
      for (let v = 0; v < bases.length; v++) {
        bases[v]! -= strides[v]![d]! * shape[d]!;
      }
      counter[d] = 0;
    }
  }
}

/** Length and per-view stride of the innermost dim, as forEachRow walks it. */
export function rowLength(shape: Shape): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}

export function lastStride(strides: readonly number[]): number {
  return strides.length === 0 ? 0 : strides[strides.length - 1]!;
}

/** forEachRow for one element at a time: `visit(bases)` once per index of `shape`. */
export function forEachElement(
  shape: Shape,
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  visit: (bases: readonly number[]) => void,
): void {
  forEachRow([...shape, 1], strides.map((s) => [...s, 0]), offsets, visit);
}
