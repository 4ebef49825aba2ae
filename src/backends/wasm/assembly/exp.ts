// exp for four float32 lanes, for arguments <= 0 (softmax shifts by the max), to about 1 ulp:
// k = round(d / ln 2) by the 1.5 * 2^23 trick (the add rounds, the bits hold k), r = d - k ln 2
// in two parts (Cody-Waite), e^r by its Taylor series to r^7 (|r| <= 0.35: truncation below
// 0.1 ulp), times 2^k from exponent bits. Results below the smallest normal (d < -87.3) are
// flushed to 0, which the declared tolerances allow (tolerance.ts); NaN stays NaN.

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const MAGIC: f32 = 12582912.0;
const SMALLEST: f32 = -87.3;

// a * b + c: fused where the relaxed-SIMD build allows it (one rounding), else mul + add.
@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

@inline export function expNonPositive(d: v128): v128 {
  const underflow = f32x4.lt(d, f32x4.splat(SMALLEST));
  const x = f32x4.pmax(d, f32x4.splat(SMALLEST));
  const t = fma(x, f32x4.splat(LOG2E), f32x4.splat(MAGIC));
  const kf = f32x4.sub(t, f32x4.splat(MAGIC));
  let r = fma(kf, f32x4.splat(-LN2_HI), x);
  r = fma(kf, f32x4.splat(-LN2_LO), r);
  let p = f32x4.splat(1.0 / 5040);
  p = fma(p, r, f32x4.splat(1.0 / 720));
  p = fma(p, r, f32x4.splat(1.0 / 120));
  p = fma(p, r, f32x4.splat(1.0 / 24));
  p = fma(p, r, f32x4.splat(1.0 / 6));
  p = fma(p, r, f32x4.splat(0.5));
  p = fma(p, r, f32x4.splat(1));
  p = fma(p, r, f32x4.splat(1));
  // k sits in the low mantissa bits of t: t's bits minus MAGIC's bits.
  const k = i32x4.sub(t, f32x4.splat(MAGIC));
  const scale = i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
  // NaN lanes: pmax kept NaN? pmax(d, c) = d < c ? c : d keeps d when d is NaN.
  return v128.andnot(f32x4.mul(p, scale), underflow);
}
