// The element-wise unary kernels (exp, tanh, leakyRelu, clip, ...) over a 4-d strided x and a
// row-major y, rows [rowStart, rowEnd) of d0*d1*d2 rows of d3 elements (see binary.ts). Every
// element goes through the same vector code, contiguous or gathered, body or tail, so a result
// never depends on where a thread's rows begin. float32 lanes run the cheap ops and exp, tanh and
// sigmoid natively (about 1-2 ulp) in their own exports (mapTranscendental.ts: the glue never
// sends those ops here; they would run in float64 lanes), and widen the other transcendental
// ones to float64 lanes, whose error is far below a float32 ulp.
// op (the glue's MAP_OPS): 0 neg, 1 abs, 2 sqrt, 3 reciprocal, 4 floor, 5 ceil, 6 round,
// 7 sign, 8 exp, 9 log, 10 tanh, 11 sigmoid, 12 sin, 13 cos, 14 softplus, 15 leakyRelu(alpha),
// 16 elu(alpha), 17 selu(alpha, gamma), 18 hardSigmoid(alpha, beta), 19 clip(min, max), 20 erf.
import { rowElement } from './rows';
import { gatherF32, scatterF32 } from './gatherLanes';
import { expF64x2, expm1F64x2 } from './exp64';
import { logF64x2 } from './log';
import { tanhF64x2 } from './tanh';
import { sigmoidF64x2 } from './sigmoid';
import { sinF64x2, cosF64x2 } from './sin';
import { softplusF64x2 } from './softplus';
import { erfOne } from './erf';

@inline function sign64(v: v128): v128 {
  const one = f64x2.splat(1);
  return v128.bitselect(one, v128.bitselect(f64x2.neg(one), v, f64x2.lt(v, f64x2.splat(0))), f64x2.gt(v, f64x2.splat(0)));
}

@inline function elu64(v: v128, alpha: v128): v128 {
  return v128.bitselect(v, f64x2.mul(alpha, expm1F64x2(v)), f64x2.gt(v, f64x2.splat(0)));
}

function op64(op: i32, v: v128, p0: v128, p1: v128): v128 {
  switch (op) {
    case 0: return f64x2.neg(v);
    case 1: return f64x2.abs(v);
    case 2: return f64x2.sqrt(v);
    case 3: return f64x2.div(f64x2.splat(1), v);
    case 4: return f64x2.floor(v);
    case 5: return f64x2.ceil(v);
    case 6: return f64x2.nearest(v);
    case 7: return sign64(v);
    case 8: return expF64x2(v);
    case 9: return logF64x2(v);
    case 10: return tanhF64x2(v);
    case 11: return sigmoidF64x2(v);
    case 12: return sinF64x2(v);
    case 13: return cosF64x2(v);
    case 14: return softplusF64x2(v);
    case 15: return v128.bitselect(v, f64x2.mul(v, p0), f64x2.ge(v, f64x2.splat(0)));
    case 16: return elu64(v, p0);
    case 17: return f64x2.mul(p1, elu64(v, p0));
    // pmin / pmax keep NaN as the float32 cases below say.
    case 18: return f64x2.pmax(f64x2.pmin(f64x2.add(f64x2.mul(p0, v), p1), f64x2.splat(1)), f64x2.splat(0));
    case 19: return f64x2.pmin(f64x2.pmax(v, p0), p1);
    default: return f64x2.replace_lane(f64x2.splat(erfOne(f64x2.extract_lane(v, 0))), 1, erfOne(f64x2.extract_lane(v, 1)));
  }
}

@inline function op32(op: i32, v: v128, a: v128, b: v128, a64: v128, b64: v128): v128 {
  switch (op) {
    case 0: return f32x4.neg(v);
    case 1: return f32x4.abs(v);
    case 2: return f32x4.sqrt(v);
    case 3: return f32x4.div(f32x4.splat(1), v);
    case 4: return f32x4.floor(v);
    case 5: return f32x4.ceil(v);
    case 6: return f32x4.nearest(v);
    case 7: {
      const one = f32x4.splat(1);
      return v128.bitselect(one, v128.bitselect(f32x4.neg(one), v, f32x4.lt(v, f32x4.splat(0))), f32x4.gt(v, f32x4.splat(0)));
    }
    case 15: return v128.bitselect(v, f32x4.mul(v, a), f32x4.ge(v, f32x4.splat(0)));
    // pmax(v, lo) = v < lo ? lo : v and pmin(t, hi) = hi < t ? hi : t keep a NaN v (every
    // comparison with NaN is false) and give hi when lo > hi, in one instruction each, where
    // IEEE min/max take several on x86.
    case 18: return f32x4.pmax(f32x4.pmin(f32x4.add(f32x4.mul(a, v), b), f32x4.splat(1)), f32x4.splat(0));
    case 19: return f32x4.pmin(f32x4.pmax(v, a), b);
    default: {
      const lo = f64x2.promote_low_f32x4(v);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
      return v128.shuffle<f32>(f32x4.demote_f64x2_zero(op64(op, lo, a64, b64)), f32x4.demote_f64x2_zero(op64(op, hi, a64, b64)), 0, 1, 4, 5);
    }
  }
}

export function mapF32(
  op: i32, p0: f64, p1: f64,
  x: usize, x0: i32, x1: i32, x2: i32, x3: i32,
  y: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  const a = f32x4.splat(<f32>p0);
  const b = f32x4.splat(<f32>p1);
  const a64 = f64x2.splat(p0);
  const b64 = f64x2.splat(p1);
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, d1, d2, x0, x1, x2) << 2);
    const py = y + ((<usize>r * <usize>d3) << 2);
    let j = 0;
    if (x3 == 1) {
      for (; j + 4 <= d3; j += 4) {
        v128.store(py + (<usize>j << 2), op32(op, v128.load(px + (<usize>j << 2)), a, b, a64, b64));
      }
    }
    for (; j < d3; j += 4) {
      // Gathered (strided) or tail lanes, through the same vector code; unused lanes hold 0.
      const n = min(4, d3 - j);
      scatterF32(py + (<usize>j << 2), op32(op, gatherF32(px + <usize>j * (<usize>x3 << 2), <usize>x3 << 2, n), a, b, a64, b64), n);
    }
  }
}

export function mapF64(
  op: i32, p0: f64, p1: f64,
  x: usize, x0: i32, x1: i32, x2: i32, x3: i32,
  y: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  const a = f64x2.splat(p0);
  const b = f64x2.splat(p1);
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, d1, d2, x0, x1, x2) << 3);
    const py = y + ((<usize>r * <usize>d3) << 3);
    let j = 0;
    if (x3 == 1) {
      for (; j + 2 <= d3; j += 2) {
        v128.store(py + (<usize>j << 3), op64(op, v128.load(px + (<usize>j << 3)), a, b));
      }
    }
    for (; j < d3; j += 2) {
      const n = min(2, d3 - j);
      const s = <usize>x3 << 3;
      const p = px + <usize>j * s;
      const v = f64x2.replace_lane(f64x2.splat(load<f64>(p)), 1, n > 1 ? load<f64>(p + s) : 0);
      const w = op64(op, v, a, b);
      const q = py + (<usize>j << 3);
      store<f64>(q, f64x2.extract_lane(w, 0));
      if (n > 1) store<f64>(q + 8, f64x2.extract_lane(w, 1));
    }
  }
}

@inline function clipRows<T>(lo: f64, hi: f64, x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  const size = <usize>sizeof<T>();
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + rowElement(r, d1, d2, x0, x1, x2) * size;
    const py = y + <usize>r * <usize>d3 * size;
    for (let j = 0; j < d3; j++) {
      // Every 8- to 32-bit integer is exact in float64; a fractional bound truncates toward zero
      // on the store, and a bound outside the type wraps, as the reference's typed-array store.
      const v = Math.min(Math.max(<f64>load<T>(px + <usize>(j * x3) * size), lo), hi);
      store<T>(py + <usize>j * size, <T>(<i64>v));
    }
  }
}

// clip on 8- to 32-bit integers (scalar): type 0 i8, 1 u8, 2 i16, 3 u16, 4 i32, 5 u32.
export function clipInt(type: i32, lo: f64, hi: f64, x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  switch (type) {
    case 0: clipRows<i8>(lo, hi, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd); break;
    case 1: clipRows<u8>(lo, hi, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd); break;
    case 2: clipRows<i16>(lo, hi, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd); break;
    case 3: clipRows<u16>(lo, hi, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd); break;
    case 4: clipRows<i32>(lo, hi, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd); break;
    default: clipRows<u32>(lo, hi, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd); break;
  }
}
