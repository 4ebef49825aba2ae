/**
 * View math of the shape ops (squeeze, unsqueeze, flatten, expand, tile, ONNX slice and
 * reshape): pure functions from a view (shape, element strides, element offset) to a new one.
 * Tensor's view methods and the copy kernels of the same names share them, so a view and a
 * kernel can never disagree on a shape.
 */
import { fail } from '../errors.js';
import { broadcastShapes, formatShape, normalizeAxis, sizeOf } from './layout.js';
import { resolveSlice, type SliceSpec } from './slice.js';
import type { ViewSpec } from './tensor.js';

/** Axes normalized against `rank` (negative count from the end), in the given order, no repeats. Throws ARGUMENT. */
export function normalizeAxes(axes: unknown, rank: number, where: string): number[] {
  if (!Array.isArray(axes)) {
    return fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid axes', expected: 'an array of integers', received: String(axes) });
  }
  const out = axes.map((a: unknown) => normalizeAxis(a as number, rank, where));
  if (new Set(out).size !== out.length) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'repeated axis', expected: 'each axis at most once', received: formatShape(axes as number[]) });
  }
  return out;
}

/** Drops `axes` (each of size 1), or every size-1 dim when `axes` is undefined. Throws SHAPE, ARGUMENT. */
export function squeezeView(view: ViewSpec, axes: readonly number[] | undefined, where: string): ViewSpec {
  const rank = view.shape.length;
  const drop = axes === undefined ? view.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes(axes, rank, where);
  for (const a of drop) {
    if (view.shape[a] !== 1) {
      fail({ code: 'SHAPE', kernel: where, problem: `axis ${a} has size ${view.shape[a]}, not 1`, expected: 'axes of size 1', received: `shape ${formatShape(view.shape)}` });
    }
  }
  const keep = (_: number, i: number): boolean => !drop.includes(i);
  return { shape: view.shape.filter(keep), strides: view.strides.filter(keep), offset: view.offset };
}

/** Inserts size-1 dims at `axes`, positions in the output (rank + axes.length). Throws ARGUMENT. */
export function unsqueezeView(view: ViewSpec, axes: readonly number[], where: string): ViewSpec {
  const rank = view.shape.length + (Array.isArray(axes) ? axes.length : 0);
  const inserted = normalizeAxes(axes, rank, where);
  const shape: number[] = [];
  const strides: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) {
    if (inserted.includes(i)) {
      shape.push(1);
      // Any stride serves a size-1 dim; this one keeps a contiguous view contiguous.
      strides.push(next < view.shape.length ? view.strides[next]! * view.shape[next]! : 1);
    } else {
      shape.push(view.shape[next]!);
      strides.push(view.strides[next]!);
      next++;
    }
  }
  return { shape, strides, offset: view.offset };
}

/** ONNX Flatten: [prod(dims before axis), prod(dims from axis)], axis in [-rank, rank]. Throws ARGUMENT. */
export function flattenShape(shape: readonly number[], axis: number, where: string): [number, number] {
  const rank = shape.length;
  if (!Number.isInteger(axis) || axis < -rank || axis > rank) {
    return fail({ code: 'ARGUMENT', kernel: where, problem: 'axis out of range', expected: `an integer in [${-rank}, ${rank}]`, received: String(axis) });
  }
  const a = axis < 0 ? axis + rank : axis;
  return [sizeOf(shape.slice(0, a)), sizeOf(shape.slice(a))];
}

/** ONNX Expand: numpy broadcasting of the shape and `target` both ways. Throws SHAPE. */
export function expandShape(shape: readonly number[], target: unknown, where: string): number[] {
  if (!Array.isArray(target) || target.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    return fail({ code: 'SHAPE', kernel: where, problem: 'invalid shape', expected: 'an array of non-negative integers', received: JSON.stringify(target) ?? String(target) });
  }
  const out = broadcastShapes(shape, target as number[]);
  if (out === null) {
    return fail({ code: 'SHAPE', kernel: where, problem: `${formatShape(shape)} does not broadcast with ${formatShape(target as number[])}`, expected: 'equal dims or 1 in each trailing position', received: formatShape(target as number[]) });
  }
  return out;
}

/**
 * ONNX Tile as a view: x [d0, d1] repeated [r0, r1] is the view [r0, d0, r1, d1] with stride 0
 * on the repeat dims, whose row-major walk is the tiled output [r0 * d0, r1 * d1]. Throws ARGUMENT.
 */
export function tileView(view: ViewSpec, repeats: unknown, where: string): { view: ViewSpec; shape: number[] } {
  const rank = view.shape.length;
  if (!Array.isArray(repeats) || repeats.length !== rank || repeats.some((r) => !Number.isSafeInteger(r) || r < 0)) {
    return fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid repeats', expected: `${rank} non-negative integers (one per dim)`, received: JSON.stringify(repeats) ?? String(repeats) });
  }
  const shape: number[] = [];
  const strides: number[] = [];
  view.shape.forEach((d, i) => {
    shape.push(repeats[i] as number, d);
    strides.push(0, view.strides[i]!);
  });
  return { view: { shape, strides, offset: view.offset }, shape: view.shape.map((d, i) => d * (repeats[i] as number)) };
}

/**
 * ONNX Reshape's target dims: -1 (at most one) is inferred, 0 copies the input's dim at that
 * position unless `allowzero` (then it is a zero dim). Throws SHAPE, naming both sizes.
 */
export function reshapeDims(dims: unknown, shape: readonly number[], allowzero: boolean, where: string): number[] {
  const size = sizeOf(shape);
  const bad = (why: string): never =>
    fail({ code: 'SHAPE', kernel: where, problem: `${formatShape(shape)} cannot be reshaped to ${JSON.stringify(dims)}: ${why}`, expected: `dims (at most one -1) whose product is ${size}`, received: JSON.stringify(dims) ?? String(dims) });
  if (!Array.isArray(dims) || dims.some((d) => !Number.isSafeInteger(d) || d < -1)) {
    return bad('not an array of integers >= -1');
  }
  const copied = (dims as number[]).map((d, i) => {
    if (d !== 0 || allowzero) {
      return d;
    }
    return i < shape.length ? shape[i]! : bad(`0 at position ${i} copies a dim the input does not have`);
  });
  const unknown = copied.filter((d) => d === -1).length;
  if (unknown > 1) {
    return bad('more than one -1');
  }
  const known = copied.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (unknown === 1 && known === 0) {
    return bad('-1 next to a zero dim is ambiguous');
  }
  if ((unknown === 1 && size % known !== 0) || (unknown === 0 && known !== size)) {
    return bad(`${size} elements do not fill ${formatShape(copied)}`);
  }
  return copied.map((d) => (d === -1 ? size / known : d));
}

/**
 * ONNX Slice as a view: per listed axis (default 0..n-1) [start, end) with step (default 1);
 * negative bounds count from the end and bounds clamp to the axis (numpy rules, so the
 * INT64_MAX / INT64_MIN sentinels of ONNX models mean "to the end"). Throws ARGUMENT.
 */
export function sliceView(view: ViewSpec, starts: unknown, ends: unknown, axes: unknown, steps: unknown, where: string): ViewSpec {
  const rank = view.shape.length;
  const list = (value: unknown, name: string, fallback: readonly number[] | undefined): number[] => {
    const v = value ?? fallback;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x))) {
      return fail({ code: 'ARGUMENT', kernel: where, problem: `invalid ${name}`, expected: 'an array of integers', received: JSON.stringify(value) ?? String(value) });
    }
    return v as number[];
  };
  const s = list(starts, 'starts', undefined);
  const e = list(ends, 'ends', undefined);
  const a = normalizeAxes(list(axes, 'axes', s.map((_, i) => i)), rank, where);
  const st = list(steps, 'steps', s.map(() => 1));
  if (e.length !== s.length || a.length !== s.length || st.length !== s.length) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'starts, ends, axes and steps differ in length', expected: `${s.length} of each`, received: `${s.length}, ${e.length}, ${a.length}, ${st.length}` });
  }
  const specs: SliceSpec[] = view.shape.map(() => null);
  a.forEach((axis, i) => {
    // Clamp huge sentinels first: resolveSlice clamps again to the axis.
    const clamp = (v: number): number => Math.max(-(2 ** 52), Math.min(2 ** 52, v));
    specs[axis] = [clamp(s[i]!), clamp(e[i]!), st[i]!];
  });
  return resolveSlice(view, specs, `${formatShape(view.shape)} in ${where}`);
}
