// sigmoid of two float64 lanes without overflow: e = exp(-|x|) <= 1, then 1 / (1 + e) for x >= 0
// and e / (1 + e) for x < 0. NaN stays NaN.
import { expF64x2 } from './exp64';
import { fma, polyF32, reduceF32 } from './exp';

@inline export function sigmoidF64x2(x: v128): v128 {
  const e = expF64x2(f64x2.neg(f64x2.abs(x)));
  const d = f64x2.add(f64x2.splat(1), e);
  const negative = f64x2.lt(x, f64x2.splat(0));
  return f64x2.div(v128.bitselect(e, f64x2.splat(1), negative), d);
}

// sigmoid of four float32 lanes: 1 / (1 + e^-x) with one exp (as in exp.ts) and one division.
// -x is clamped to [-87.3, 89], so n stays in [-126, 128]: beyond 88.4, n = 128 makes 2^n, and
// so e and the division, Infinity and the result exactly 0 (sigmoid(-88.4) is 4e-39, under the
// smallest normal float32, which the declared tolerance allows to flush); for x > 87.3 the
// result is 1. e^-x has relative error about 1 ulp and 1 + e and the division one rounding each,
// so the result is within about 2 ulp. NaN stays NaN.
@inline export function sigmoidF32x4(
  x: v128, log2e: v128, magic: v128, nln2hi: v128, nln2lo: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, one: v128, sign: v128, lo: v128, hi: v128,
): v128 {
  // pmax(z, lo) = z < lo ? lo : z and pmin(., hi) = hi < . ? hi : . keep a NaN z.
  const z = f32x4.pmin(f32x4.pmax(v128.xor(x, sign), lo), hi);
  const t = fma(z, log2e, magic);
  const r = reduceF32(z, t, magic, nln2hi, nln2lo);
  const e = f32x4.mul(fma(polyF32(r, c5, c4, c3, c2, c1, one), r, one), i32x4.shl(t, 23));
  return f32x4.div(one, f32x4.add(one, e));
}
