/** Kernels the compiler tests build: each body is plain TypeScript, run as the reference. */
import { f32x4, i32x4, v128 } from '../../src/user/lanes.js';
import { map, pairwise, reduce, rows, type f32, type i32, type Row } from '../../src/user/kernel.js';

export const huber = reduce({
  name: 'huber',
  inputs: ['pred', 'target'],
  params: { delta: 1 },
  combine: 'sum',
  element(pred: f32, target: f32, delta: f32): f32 {
    const r = pred - target;
    const a = Math.abs(r);
    if (a <= delta) {
      return 0.5 * r * r;
    }
    return delta * (a - 0.5 * delta);
  },
});

export const clampScale = map({
  name: 'clampScale',
  inputs: ['x', 'y'],
  params: { lo: -1, hi: 2 },
  element: (x: f32, y: f32, lo: f32, hi: f32): f32 => {
    let v = x * y;
    if (v < lo) {
      v = lo;
    } else if (v > hi) {
      v = hi;
    }
    return x !== x || y !== y ? 0 : Math.max(v, Math.min(x, y)) + Math.sign(y) - (x - Math.trunc(x / 0.75) * 0.75);
  },
});

export const largest = reduce({
  name: 'largest',
  inputs: ['x'],
  combine: 'max',
  element: (x: f32): f32 => Math.abs(x) - 1,
});

export const chebyshev = pairwise({
  name: 'chebyshev',
  combine: 'max',
  term: (a: f32, b: f32): f32 => Math.abs(a - b),
});

export const weighted = pairwise({
  name: 'weighted',
  params: { w: 0.5 },
  term: (a: f32, b: f32, w: f32): f32 => {
    const d = a - b;
    return d < 0 ? w * d * d : d * d;
  },
  finish: (acc: f32, w: f32): f32 => Math.sqrt(acc) + w,
});

export const zscore = rows({
  name: 'zscore',
  inputs: ['x'],
  params: { eps: 1e-6 },
  row(x: Row, out: Row, n: i32, eps: f32): void {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      sum += x[j]!;
    }
    const mean = sum / n;
    let squares = 0;
    let peak = -Infinity;
    for (let j = 0; j < n; j++) {
      const d = x[j]! - mean;
      squares += d * d;
      peak = Math.max(peak, Math.abs(d));
    }
    const scale = 1 / Math.sqrt(squares / n + eps);
    for (let j = 0; j < n; j++) {
      out[j] = peak > 0 ? (x[j]! - mean) * scale : 0;
    }
  },
});

export const powers = map({
  name: 'powers',
  inputs: ['x'],
  element: (x: f32): f32 => x ** 2 + x ** -1 + x ** 0.5 + x ** 1.5,
});

/** Math.min/max against constants (a relaxed min/max in the lanes) and against zero and x (strict). */
export const clamps = map({
  name: 'clamps',
  inputs: ['x', 'y'],
  element: (x: f32, y: f32): f32 => (y > 0 ? Math.min(Math.max(x, -1.5), 2.5) : y < 0 ? Math.max(0.75, Math.min(-3, x)) : Math.min(x, 0) + Math.max(y, x)),
});

/** Every intrinsic of lanes.ts but relaxed_madd and relaxed_trunc, whose results the engine may choose. */
export const everyLane = map({
  name: 'everyLane',
  inputs: ['x', 'y'],
  lanes(x: v128, y: v128): v128 {
    const a = f32x4.add(f32x4.mul(x, y), f32x4.div(f32x4.sub(x, y), f32x4.splat(3)));
    const b = f32x4.min(f32x4.max(a, f32x4.neg(x)), f32x4.relaxed_max(f32x4.splat(4), f32x4.relaxed_min(f32x4.splat(-1e30), y)));
    const c = f32x4.add(f32x4.sqrt(f32x4.abs(b)), f32x4.add(f32x4.floor(x), f32x4.add(f32x4.ceil(y), f32x4.add(f32x4.trunc(a), f32x4.nearest(b)))));
    const ints = i32x4.add(i32x4.mul(x, i32x4.splat(3)), i32x4.sub(i32x4.shl(y, 3), i32x4.shr_s(x, 5)));
    const u = v128.xor(v128.or(i32x4.shr_u(ints, 9), v128.andnot(x, y)), v128.not(v128.and(x, y)));
    const masks = v128.or(v128.and(f32x4.lt(x, y), f32x4.ge(a, c)), v128.xor(f32x4.eq(x, y), f32x4.ne(b, c)));
    const im = v128.or(i32x4.eq(ints, u), v128.or(i32x4.lt_s(ints, u), i32x4.gt_s(x, y)));
    const pick = v128.bitselect(c, f32x4.convert_i32x4_s(u), masks);
    const pick2 = v128.bitselect(pick, f32x4.le(x, c), f32x4.gt(y, pick));
    const pick3 = v128.bitselect(pick2, u, im);
    return v128.bitselect(pick3, x, i32x4.splat(0x0f0f0f0f));
  },
});

/** The row of the largest squared error: argmax of a reduce, NaN first as numpy. */
export const worstError = reduce({
  name: 'worstError',
  inputs: ['pred', 'target'],
  combine: 'argmax',
  element: (pred: f32, target: f32): f32 => (pred - target) * (pred - target),
});

/** argmin of a broadcast difference: the first smallest |x - y|. */
export const closest = reduce({
  name: 'closest',
  inputs: ['x', 'y'],
  combine: 'argmin',
  element: (x: f32, y: f32): f32 => Math.abs(x - y),
});
