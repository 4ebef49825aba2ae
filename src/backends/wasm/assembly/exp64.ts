// exp for two float64 lanes, for arguments <= 0 (softmax shifts by the max), to about 1 ulp:
// k = round(d / ln 2) by the 1.5 * 2^52 trick (the add rounds, the low bits hold k),
// r = d - k ln 2 in two parts (Cody-Waite: k * LN2_HI is exact for |k| < 2^21, and so is the
// subtraction), e^r by its Taylor series to r^13 (|r| <= 0.35: truncation below 0.01 ulp),
// times 2^k from exponent bits. Results below e^-708 (under float64's smallest normal,
// 2^-1022, for which 2^k has no exponent bits) are flushed to 0, as the declared tolerances
// allow (tolerance.ts); -Infinity gives 0, NaN stays NaN.
//
// The constants are loaded from memory at each use (one load each) rather than written as
// literals, which binaryen folds into loops and V8 rebuilds with several instructions per use
// (see exp.ts).

import { fma64 } from './lloydLabel';

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-1; // 0x3fe62e42fee00000: the low 21 bits are zero
const LN2_LO: f64 = 1.90821492927058770002e-10;
const MAGIC: f64 = 6755399441055744.0; // 1.5 * 2^52
const SMALLEST: f64 = -708;
const BIAS_BITS: f64 = reinterpret<f64>(<i64>1023 - reinterpret<i64>(MAGIC));

// Lane-splatted constants, 16 bytes each: 0 LOG2E, 1 MAGIC, 2 -LN2_HI, 3 -LN2_LO, 4 SMALLEST,
// 5 the exponent bias minus MAGIC's bits (i64 lanes), 6.. the Taylor coefficients 1/13! .. 1/0!.
const TABLE: usize = memory.data<f64>([
  LOG2E, LOG2E,
  MAGIC, MAGIC,
  -LN2_HI, -LN2_HI,
  -LN2_LO, -LN2_LO,
  SMALLEST, SMALLEST,
  BIAS_BITS, BIAS_BITS,
  1.0 / 6227020800, 1.0 / 6227020800,
  1.0 / 479001600, 1.0 / 479001600,
  1.0 / 39916800, 1.0 / 39916800,
  1.0 / 3628800, 1.0 / 3628800,
  1.0 / 362880, 1.0 / 362880,
  1.0 / 40320, 1.0 / 40320,
  1.0 / 5040, 1.0 / 5040,
  1.0 / 720, 1.0 / 720,
  1.0 / 120, 1.0 / 120,
  1.0 / 24, 1.0 / 24,
  1.0 / 6, 1.0 / 6,
  0.5, 0.5,
  1, 1,
  1, 1,
], 16);

@inline function c(i: i32): v128 {
  return v128.load(TABLE + (<usize>i << 4));
}

// e^d on two lanes, d <= 0 (lanes below -708 give 0).
@inline export function expNonPositive64(d: v128): v128 {
  const underflow = f64x2.lt(d, c(4));
  const t = fma64(d, c(0), c(1));
  const kf = f64x2.sub(t, c(1));
  let r = fma64(kf, c(2), d);
  r = fma64(kf, c(3), r);
  let p = fma64(c(6), r, c(7));
  p = fma64(p, r, c(8));
  p = fma64(p, r, c(9));
  p = fma64(p, r, c(10));
  p = fma64(p, r, c(11));
  p = fma64(p, r, c(12));
  p = fma64(p, r, c(13));
  p = fma64(p, r, c(14));
  p = fma64(p, r, c(15));
  p = fma64(p, r, c(16));
  p = fma64(p, r, c(17));
  p = fma64(p, r, c(18));
  p = fma64(p, r, c(19));
  const scale = i64x2.shl(i64x2.add(t, c(5)), 52);
  // Underflowed lanes (also -Inf, whose arithmetic above gives NaN) become 0; NaN lanes stay.
  return v128.andnot(f64x2.mul(p, scale), underflow);
}

// ---------------------------------------------------------------- float64 lanes (f64x2)
// e^x and e^x - 1 for two float64 lanes, to about 1 ulp of float64: k = round(x / ln 2) by the
// 1.5 * 2^52 trick, r = x - k ln 2 in two parts (fdlibm's ln2_hi / ln2_lo, ln2_hi with 32 low
// zero bits so k * ln2_hi is exact), e^r - 1 by its Taylor series to r^13 (|r| <= 0.35:
// truncation below 0.05 ulp), then the scale 2^k from exponent bits. The float32 element-wise
// kernels widen to these lanes, so their only error is the final rounding to float32.

const LN2_HI_64: f64 = 6.93147180369123816490e-01;
const LN2_LO_64: f64 = 1.90821492927058770002e-10;
const MAGIC_64: f64 = 6755399441055744.0; // 1.5 * 2^52

// Taylor coefficients 1/n! of e^r - 1 = r (1 + r (1/2 + r (1/6 + ...))), n = 13 down to 2.
@inline function expm1Reduced(r: v128): v128 {
  let p = f64x2.splat(1.0 / 6227020800);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  return f64x2.mul(p, r);
}

// 2^k as float64 lanes for integer-valued k in [-1022, 1023] held in t's low bits (t = k + MAGIC).
@inline function pow2(t: v128): v128 {
  const k = i64x2.sub(t, i64x2.splat(reinterpret<i64>(MAGIC_64)));
  return i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52);
}

// e^x: x clamped to [-1400, 710] (NaN stays NaN), and 2^k applied as 2^(k - h) * 2^h with
// h = k / 2, so both overflow to Infinity and gradual underflow to 0 come out as IEEE rounds them.
@inline export function expF64x2(x: v128): v128 {
  const xc = f64x2.min(f64x2.max(x, f64x2.splat(-1400)), f64x2.splat(710));
  const t = f64x2.add(f64x2.mul(xc, f64x2.splat(1.4426950408889634)), f64x2.splat(MAGIC_64));
  const kf = f64x2.sub(t, f64x2.splat(MAGIC_64));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(kf, f64x2.splat(LN2_HI_64))), f64x2.mul(kf, f64x2.splat(LN2_LO_64)));
  const e = f64x2.add(expm1Reduced(r), f64x2.splat(1));
  const k = i64x2.sub(t, i64x2.splat(reinterpret<i64>(MAGIC_64)));
  const h = i64x2.shr_s(k, 1);
  const s1 = i64x2.shl(i64x2.add(h, i64x2.splat(1023)), 52);
  const s2 = i64x2.shl(i64x2.add(i64x2.sub(k, h), i64x2.splat(1023)), 52);
  const y = f64x2.mul(f64x2.mul(e, s1), s2);
  // NaN lanes: the arithmetic above keeps NaN in e, so y is NaN.
  return y;
}

// e^x - 1 for x clamped to [-60, 40] (beyond -60 it is -1 in float64; callers never pass more
// than 40): 2^k (e^r - 1) + (2^k - 1), exact for k = 0, so small |x| keep full precision.
@inline export function expm1F64x2(x: v128): v128 {
  const xc = f64x2.min(f64x2.max(x, f64x2.splat(-60)), f64x2.splat(40));
  const t = f64x2.add(f64x2.mul(xc, f64x2.splat(1.4426950408889634)), f64x2.splat(MAGIC_64));
  const kf = f64x2.sub(t, f64x2.splat(MAGIC_64));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(kf, f64x2.splat(LN2_HI_64))), f64x2.mul(kf, f64x2.splat(LN2_LO_64)));
  const scale = pow2(t);
  return f64x2.add(f64x2.mul(scale, expm1Reduced(r)), f64x2.sub(scale, f64x2.splat(1)));
}
