// The broadcasting binary kernels on float lanes: c = a op b over a 4-d iteration space (the
// runtime merges dims first), rows [rowStart, rowEnd) of d0*d1*d2 rows of d3 elements. Strides
// are in elements; c is row-major. Contiguous or broadcast (stride 0) operands load whole
// vectors; other strides and row tails gather lanes through the same vector code, so a result
// never depends on where a thread's rows begin.
// op: 0 add, 1 mul, 2 sub, 3 div, 4 max, 5 min, 6 pow (max/min propagate NaN, as numpy).
import { rowElement } from './rows';
import { expF64x2 } from './exp64';
import { logF64x2 } from './log';

// x^y on float64 lanes: exp(y log x) where x is positive and finite and y finite (for float32
// operands the product's error stays far below a float32 ulp); any other lane pair goes through
// the scalar Math.pow, which knows C's special cases.
@inline function pow64(x: v128, y: v128): v128 {
  const ok = v128.and(v128.and(f64x2.gt(x, f64x2.splat(0)), f64x2.lt(x, f64x2.splat(Infinity))), f64x2.lt(f64x2.abs(y), f64x2.splat(Infinity)));
  if (v128.all_true<i64>(ok)) {
    return expF64x2(f64x2.mul(y, logF64x2(x)));
  }
  return f64x2.replace_lane(f64x2.splat(Math.pow(f64x2.extract_lane(x, 0), f64x2.extract_lane(y, 0))), 1, Math.pow(f64x2.extract_lane(x, 1), f64x2.extract_lane(y, 1)));
}

@inline function op32(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case 0: return f32x4.add(a, b);
    case 1: return f32x4.mul(a, b);
    case 2: return f32x4.sub(a, b);
    case 3: return f32x4.div(a, b);
    case 4: return f32x4.max(a, b);
    case 5: return f32x4.min(a, b);
    default: {
      const lo = pow64(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b));
      const hi = pow64(f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3)), f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 2, 3)));
      return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    }
  }
}

@inline function op64(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case 0: return f64x2.add(a, b);
    case 1: return f64x2.mul(a, b);
    case 2: return f64x2.sub(a, b);
    case 3: return f64x2.div(a, b);
    case 4: return f64x2.max(a, b);
    case 5: return f64x2.min(a, b);
    // float64 powers need more than a float64 log gives: the scalar Math.pow, lane by lane.
    default: return f64x2.replace_lane(f64x2.splat(Math.pow(f64x2.extract_lane(a, 0), f64x2.extract_lane(b, 0))), 1, Math.pow(f64x2.extract_lane(a, 1), f64x2.extract_lane(b, 1)));
  }
}

// Four float32 lanes from p with a stride of s bytes (n of them; the rest 0).
@inline function gather32(p: usize, s: usize, n: i32): v128 {
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, n > 1 ? load<f32>(p + s) : 0);
  v = f32x4.replace_lane(v, 2, n > 2 ? load<f32>(p + 2 * s) : 0);
  return f32x4.replace_lane(v, 3, n > 3 ? load<f32>(p + 3 * s) : 0);
}

@inline export function binaryRows(
  op: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  const as = <usize>a3 << 2;
  const bs = <usize>b3 << 2;
  for (let r = rowStart; r < rowEnd; r++) {
    const pa = a + (rowElement(r, d1, d2, a0, a1, a2) << 2);
    const pb = b + (rowElement(r, d1, d2, b0, b1, b2) << 2);
    const pc = c + ((<usize>r * <usize>d3) << 2);
    let j = 0;
    if ((a3 == 1 || a3 == 0) && (b3 == 1 || b3 == 0)) {
      const aSplat = v128.load32_splat(pa);
      const bSplat = v128.load32_splat(pb);
      for (; j + 4 <= d3; j += 4) {
        const va = a3 == 0 ? aSplat : v128.load(pa + (<usize>j << 2));
        const vb = b3 == 0 ? bSplat : v128.load(pb + (<usize>j << 2));
        v128.store(pc + (<usize>j << 2), op32(op, va, vb));
      }
    }
    for (; j < d3; j += 4) {
      const n = min(4, d3 - j);
      const w = op32(op, gather32(pa + <usize>j * as, as, n), gather32(pb + <usize>j * bs, bs, n));
      const q = pc + (<usize>j << 2);
      store<f32>(q, f32x4.extract_lane(w, 0));
      if (n > 1) store<f32>(q + 4, f32x4.extract_lane(w, 1));
      if (n > 2) store<f32>(q + 8, f32x4.extract_lane(w, 2));
      if (n > 3) store<f32>(q + 12, f32x4.extract_lane(w, 3));
    }
  }
}

export function binaryF32(
  op: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  binaryRows(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd);
}

export function binaryF64(
  op: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  const as = <usize>a3 << 3;
  const bs = <usize>b3 << 3;
  for (let r = rowStart; r < rowEnd; r++) {
    const pa = a + (rowElement(r, d1, d2, a0, a1, a2) << 3);
    const pb = b + (rowElement(r, d1, d2, b0, b1, b2) << 3);
    const pc = c + ((<usize>r * <usize>d3) << 3);
    let j = 0;
    if ((a3 == 1 || a3 == 0) && (b3 == 1 || b3 == 0)) {
      const aSplat = v128.load64_splat(pa);
      const bSplat = v128.load64_splat(pb);
      for (; j + 2 <= d3; j += 2) {
        const va = a3 == 0 ? aSplat : v128.load(pa + (<usize>j << 3));
        const vb = b3 == 0 ? bSplat : v128.load(pb + (<usize>j << 3));
        v128.store(pc + (<usize>j << 3), op64(op, va, vb));
      }
    }
    for (; j < d3; j += 2) {
      const n = min(2, d3 - j);
      const xa = pa + <usize>j * as;
      const xb = pb + <usize>j * bs;
      const va = f64x2.replace_lane(f64x2.splat(load<f64>(xa)), 1, n > 1 ? load<f64>(xa + as) : 0);
      const vb = f64x2.replace_lane(f64x2.splat(load<f64>(xb)), 1, n > 1 ? load<f64>(xb + bs) : 0);
      const w = op64(op, va, vb);
      const q = pc + (<usize>j << 3);
      store<f64>(q, f64x2.extract_lane(w, 0));
      if (n > 1) store<f64>(q + 8, f64x2.extract_lane(w, 1));
    }
  }
}
