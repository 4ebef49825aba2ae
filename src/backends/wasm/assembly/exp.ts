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
