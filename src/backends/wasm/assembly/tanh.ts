// tanh of two float64 lanes: t = e / (e + 2) with e = expm1(2|x|), |x| clamped to 20 (tanh is 1
// in float64 beyond 19.1), and x's sign; small |x| keep full precision through expm1.
import { expm1F64x2 } from './exp64';
import { fma, LN2_HI, LN2_LO, LOG2E, MAGIC_N, P1, P2, P3, P4, P5, polyF32 } from './exp';

@inline export function tanhF64x2(x: v128): v128 {
  const a = f64x2.min(f64x2.abs(x), f64x2.splat(20));
  const e = expm1F64x2(f64x2.add(a, a));
  const t = f64x2.div(e, f64x2.add(e, f64x2.splat(2)));
  // Copy x's sign bit (also for -0 and NaN).
  const sign = v128.and(x, i64x2.splat(0x8000000000000000));
  return v128.or(t, sign);
}

// tanh of four float32 lanes, the same way (about 1 ulp; max 3 ulp near x = 0.002): a =
// min(|x|, 9.1), e = e^(2a) - 1 = (2^n - 1) + 2^n r P(r) with n, r and P as in exp.ts (2^n - 1 is
// exact and 0 for n = 0, so small |x| keep full relative precision, down to subnormal x, which
// come back unchanged), tanh|x| = e / (e + 2), then x's sign bit (-0 stays -0, NaN stays NaN,
// +-Inf give +-1). The doubling is folded into the constants: with h = r / 2 = a - n ln2/2,
// r P(r) = h P2(h), P2(h) = 2 P(2h), whose coefficients are P's times powers of 2, so the
// results are those of computing 2a first, one instruction fewer. With fused multiply-add the
// reduction takes one step, h = a - n fl(ln2)/2: the error n * 1.9e-9 of fl(ln2) shifts e^(2a) by
// that relatively, which moves tanh by (1 - tanh^2) / (2 tanh) of it, under 0.05 * 2^-23 for
// every n here (n <= 26, and n >= 1 only for a > 0.17).
const LN2_F: f32 = 0.6931471824645996; // fl(ln 2), 1.9e-9 above ln 2
const TANH: usize = memory.data<f32>([
  2 * LOG2E, 2 * LOG2E, 2 * LOG2E, 2 * LOG2E,
  MAGIC_N, MAGIC_N, MAGIC_N, MAGIC_N,
  // -ln2/2 for the one-step reduction (relaxed SIMD), else -ln2_hi/2 and -ln2_lo/2.
  ASC_FEATURE_RELAXED_SIMD ? -LN2_F / 2 : -LN2_HI / 2, ASC_FEATURE_RELAXED_SIMD ? -LN2_F / 2 : -LN2_HI / 2, ASC_FEATURE_RELAXED_SIMD ? -LN2_F / 2 : -LN2_HI / 2, ASC_FEATURE_RELAXED_SIMD ? -LN2_F / 2 : -LN2_HI / 2,
  -LN2_LO / 2, -LN2_LO / 2, -LN2_LO / 2, -LN2_LO / 2,
  64 * P5, 64 * P5, 64 * P5, 64 * P5,
  32 * P4, 32 * P4, 32 * P4, 32 * P4,
  16 * P3, 16 * P3, 16 * P3, 16 * P3,
  8 * P2, 8 * P2, 8 * P2, 8 * P2,
  4 * P1, 4 * P1, 4 * P1, 4 * P1,
  2, 2, 2, 2,
  reinterpret<f32>(0x7fffffff), reinterpret<f32>(0x7fffffff), reinterpret<f32>(0x7fffffff), reinterpret<f32>(0x7fffffff),
  9.1, 9.1, 9.1, 9.1, // tanh is 1 in float32 beyond 9.01
  1, 1, 1, 1,
  0, 0, 0, 0,
  0, 0, 0, 0,
], 16);

// Entry i of tanhF32x4's constants, in the order it takes them.
@inline export function tanhConst(i: i32): v128 {
  return v128.load(TANH + (<usize>i << 4));
}

@inline export function tanhF32x4(
  x: v128, log2e2: v128, magic: v128, nln2h: v128, nln2loh: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, two: v128, abs: v128, clamp: v128, one: v128,
): v128 {
  // pmin(a, clamp) = clamp < a ? clamp : a keeps a NaN a.
  const a = f32x4.pmin(v128.and(x, abs), clamp);
  const t = fma(a, log2e2, magic);
  const n = f32x4.sub(t, magic);
  let h = fma(n, nln2h, a);
  if (!ASC_FEATURE_RELAXED_SIMD) {
    h = fma(n, nln2loh, h);
  }
  const s = i32x4.shl(t, 23);
  const e = fma(f32x4.mul(h, s), polyF32(h, c5, c4, c3, c2, c1, two), f32x4.sub(s, one));
  const y = f32x4.div(e, f32x4.add(e, two));
  return v128.or(y, v128.andnot(x, abs));
}
