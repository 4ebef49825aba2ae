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
