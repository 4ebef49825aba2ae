// sigmoid of two float64 lanes without overflow: e = exp(-|x|) <= 1, then 1 / (1 + e) for x >= 0
// and e / (1 + e) for x < 0. NaN stays NaN.
import { expF64x2 } from './exp64';
import { fma, fnma, LN2_HI, LN2_LO, LOG2E, MAGIC_N, P1, P2, P3, P4, P5, polyF32 } from './exp';

@inline export function sigmoidF64x2(x: v128): v128 {
  const e = expF64x2(f64x2.neg(f64x2.abs(x)));
  const d = f64x2.add(f64x2.splat(1), e);
  const negative = f64x2.lt(x, f64x2.splat(0));
  return f64x2.div(v128.bitselect(e, f64x2.splat(1), negative), d);
}

// sigmoid of four float32 lanes: 1 / (1 + e^-x) with one exp (as in exp.ts) and one division.
// x is clamped to [-89, 87.3], so for z = -x, n stays in [-126, 128]: below x = -88.4, n = 128
// makes 2^n, and so e and the division, Infinity and the result exactly 0 (sigmoid(-88.4) is
// 4e-39, under the smallest normal float32, which the declared tolerance allows to flush); above
// 87.3 the result is 1. e^-x has relative error about 1 ulp and 1 + e and the division one
// rounding each: within 1.5 * 2^-23 relative. NaN stays NaN. The negation is folded into the
// constants: with t = n + MAGIC_N from -x log2 e, r' = x + n ln 2 = -r, and Q(r') = P(-r') (P's
// coefficients with alternating signs), e^r = 1 - r' Q(r'): the same roundings as on -x.
const SIGMOID: usize = memory.data<f32>([
  -LOG2E, -LOG2E, -LOG2E, -LOG2E,
  MAGIC_N, MAGIC_N, MAGIC_N, MAGIC_N,
  LN2_HI, LN2_HI, LN2_HI, LN2_HI,
  LN2_LO, LN2_LO, LN2_LO, LN2_LO,
  -P5, -P5, -P5, -P5,
  P4, P4, P4, P4,
  -P3, -P3, -P3, -P3,
  P2, P2, P2, P2,
  -P1, -P1, -P1, -P1,
  1, 1, 1, 1,
  -89, -89, -89, -89,
  87.3, 87.3, 87.3, 87.3,
  0, 0, 0, 0,
], 16);

// Entry i of sigmoidF32x4's constants, in the order it takes them.
@inline export function sigmoidConst(i: i32): v128 {
  return v128.load(SIGMOID + (<usize>i << 4));
}

@inline export function sigmoidF32x4(
  x: v128, nlog2e: v128, magic: v128, ln2hi: v128, ln2lo: v128,
  q5: v128, q4: v128, q3: v128, q2: v128, q1: v128, one: v128, lo: v128, hi: v128,
): v128 {
  // pmax(x, lo) = x < lo ? lo : x and pmin(., hi) = hi < . ? hi : . keep a NaN x.
  const xc = f32x4.pmin(f32x4.pmax(x, lo), hi);
  const t = fma(xc, nlog2e, magic);
  const n = f32x4.sub(t, magic);
  const rn = fma(n, ln2lo, fma(n, ln2hi, xc));
  const e = f32x4.mul(fnma(polyF32(rn, q5, q4, q3, q2, q1, one), rn, one), i32x4.shl(t, 23));
  return f32x4.div(one, f32x4.add(one, e));
}
