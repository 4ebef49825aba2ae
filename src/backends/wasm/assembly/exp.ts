// exp for four float32 lanes, for arguments <= 0 (softmax shifts by the max), to about 1 ulp:
// k = round(d / ln 2) by the 1.5 * 2^23 trick (the add rounds, the bits hold k), r = d - k ln 2
// in two parts (Cody-Waite), e^r by its Taylor series to r^7 (|r| <= 0.35: truncation below
// 0.1 ulp), times 2^k from exponent bits. Results below the smallest normal (d < -87.3) are
// flushed to 0, which the declared tolerances allow (tolerance.ts); NaN stays NaN.
//
// The constants live in memory and a caller loads them once, before its loop (ExpConstants):
// written as literals, binaryen folds them into the loop body and V8 rebuilds every v128
// constant with three instructions at each use, which made the exp pass twice as slow.

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const MAGIC: f32 = 12582912.0;
const EXP_SMALLEST: f32 = -87.3;
const BIAS_BITS: f32 = reinterpret<f32>(<i32>127 - 0x4b400000);

// Lane-splatted constants, 16 bytes each; expConst(i) is entry i, and expNonPositive takes
// entries 0..12 as c0..c12 in this order.
const TABLE: usize = memory.data<f32>([
  LOG2E, LOG2E, LOG2E, LOG2E,
  MAGIC, MAGIC, MAGIC, MAGIC,
  -LN2_HI, -LN2_HI, -LN2_HI, -LN2_HI,
  -LN2_LO, -LN2_LO, -LN2_LO, -LN2_LO,
  1.0 / 5040, 1.0 / 5040, 1.0 / 5040, 1.0 / 5040,
  1.0 / 720, 1.0 / 720, 1.0 / 720, 1.0 / 720,
  1.0 / 120, 1.0 / 120, 1.0 / 120, 1.0 / 120,
  1.0 / 24, 1.0 / 24, 1.0 / 24, 1.0 / 24,
  1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6,
  0.5, 0.5, 0.5, 0.5,
  1, 1, 1, 1,
  EXP_SMALLEST, EXP_SMALLEST, EXP_SMALLEST, EXP_SMALLEST,
  // The exponent bias minus MAGIC's bits, as i32 lanes: (t's bits + this) << 23 is 2^k.
  BIAS_BITS, BIAS_BITS, BIAS_BITS, BIAS_BITS,
], 16);

// a * b + c: fused where the relaxed-SIMD build allows it (one rounding), else mul + add.
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

// Entry i of the table (loaded once by a caller, before its loop).
@inline export function expConst(i: i32): v128 {
  return v128.load(TABLE + (<usize>i << 4));
}

// e^(d + lo) for d <= 0 and a small correction lo (|lo| <= ulp(d)), lanes where d < -87.3 give
// 0; constants c0..c12 are expConst(0..12), loaded by the caller outside its loop.
@inline export function expNonPositive(
  d: v128, lo: v128,
  c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128,
  c6: v128, c7: v128, c8: v128, c9: v128, c10: v128, c11: v128, c12: v128,
): v128 {
  const underflow = f32x4.lt(d, c11);
  const t = fma(d, c0, c1);
  const kf = f32x4.sub(t, c1);
  let r = fma(kf, c2, d);
  r = fma(kf, c3, r);
  r = f32x4.add(r, lo);
  let p = fma(c4, r, c5);
  p = fma(p, r, c6);
  p = fma(p, r, c7);
  p = fma(p, r, c8);
  p = fma(p, r, c9);
  p = fma(p, r, c10);
  p = fma(p, r, c10);
  const scale = i32x4.shl(i32x4.add(t, c12), 23);
  // Underflowed lanes (also -Inf, whose arithmetic above gives NaN) become 0; NaN lanes stay.
  return v128.andnot(f32x4.mul(p, scale), underflow);
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

// ---------------------------------------------------------------- float32 lanes, any argument
// e^x and e^x - 1 for four float32 lanes and any x, with expNonPositive's reduction and Taylor
// series (about 1 ulp): x clamped to [-104, 88.8] (NaN stays NaN), and 2^k applied as
// 2^(k - h) * 2^h with h = k / 2, so overflow to Infinity and gradual underflow come out as IEEE
// rounds them. The constants are loaded from memory at each use (one load, no rebuild; see above).
const TABLE32: usize = memory.data<f32>([
  -104, -104, -104, -104,
  88.8, 88.8, 88.8, 88.8,
  // 127 as i32 lanes (the exponent bias), then 1/40320 (the r^8 term of e^r - 1), then 9.1
  // (tanh's arguments are clamped there: tanh is 1 in float32 beyond 9.01).
  reinterpret<f32>(127), reinterpret<f32>(127), reinterpret<f32>(127), reinterpret<f32>(127),
  1.0 / 40320, 1.0 / 40320, 1.0 / 40320, 1.0 / 40320,
  9.1, 9.1, 9.1, 9.1,
], 16);

@inline function c32(i: i32): v128 {
  return v128.load(TABLE32 + (<usize>i << 4));
}

// k = round(x / ln 2) as t = k + MAGIC, and r = x - k ln 2.
@inline function reduce32(x: v128, t: v128): v128 {
  const kf = f32x4.sub(t, expConst(1));
  return fma(kf, expConst(3), fma(kf, expConst(2), x));
}

@inline export function expF32x4(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, c32(0)), c32(1));
  const t = fma(xc, expConst(0), expConst(1));
  const r = reduce32(xc, t);
  let p = fma(expConst(4), r, expConst(5));
  p = fma(p, r, expConst(6));
  p = fma(p, r, expConst(7));
  p = fma(p, r, expConst(8));
  p = fma(p, r, expConst(9));
  p = fma(p, r, expConst(10));
  p = fma(p, r, expConst(10));
  // kb = k + 127 from t's bits; h = k >> 1; the scales are (h + 127) << 23 and (k - h + 127) << 23.
  const kb = i32x4.add(t, expConst(12));
  const h = i32x4.shr_s(i32x4.sub(kb, c32(2)), 1);
  const s1 = i32x4.shl(i32x4.add(h, c32(2)), 23);
  const s2 = i32x4.shl(i32x4.sub(kb, h), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// e^x - 1 for x in [-88, 18.2] (callers clamp): 2^k (e^r - 1) + (2^k - 1), exact for k = 0, so
// small |x| keep full relative precision. e^r - 1 = r (1 + r (1/2 + ... + r / 8!)).
@inline export function expm1F32x4(x: v128): v128 {
  const t = fma(x, expConst(0), expConst(1));
  const r = reduce32(x, t);
  let p = fma(c32(3), r, expConst(4));
  p = fma(p, r, expConst(5));
  p = fma(p, r, expConst(6));
  p = fma(p, r, expConst(7));
  p = fma(p, r, expConst(8));
  p = fma(p, r, expConst(9));
  p = fma(p, r, expConst(10));
  const q = f32x4.mul(p, r);
  const scale = i32x4.shl(i32x4.add(t, expConst(12)), 23);
  return f32x4.add(f32x4.mul(scale, q), f32x4.sub(scale, expConst(10)));
}

// tanh = e / (e + 2) with e = expm1(2|x|), |x| clamped to 9.1, and x's sign (NaN stays NaN).
@inline export function tanhF32x4(x: v128): v128 {
  const a = f32x4.min(f32x4.abs(x), c32(4));
  const e = expm1F32x4(f32x4.add(a, a));
  const t = f32x4.div(e, f32x4.add(e, f32x4.add(expConst(10), expConst(10))));
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

// sigmoid without overflow: e = e^-|x| <= 1, then 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0.
@inline export function sigmoidF32x4(x: v128): v128 {
  const e = expF32x4(f32x4.neg(f32x4.abs(x)));
  const one = expConst(10);
  const negative = f32x4.lt(x, f32x4.splat(0));
  return f32x4.div(v128.bitselect(e, one, negative), f32x4.add(one, e));
}
