// exp for four float32 lanes, for arguments <= 0 (softmax shifts by the max), to about 1 ulp:
// k = round(d / ln 2) by the 1.5 * 2^23 trick (the add rounds, the bits hold k), r = d - k ln 2
// in two parts (Cody-Waite), e^r by its Taylor series to r^7 (|r| <= 0.35: truncation below
// 0.1 ulp), times 2^k from exponent bits. Results below the smallest normal (d < -87.3) are
// flushed to 0, which the declared tolerances allow (tolerance.ts); NaN stays NaN.
//
// The constants live in memory and a caller loads them once, before its loop (ExpConstants):
// written as literals, binaryen folds them into the loop body and V8 rebuilds every v128
// constant with three instructions at each use, which made the exp pass twice as slow.

export const LOG2E: f32 = 1.44269504;
export const LN2_HI: f32 = 0.693359375;
export const LN2_LO: f32 = -2.12194440e-4;
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

// c - a * b, likewise.
@inline export function fnma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_nmadd(a, b, c);
  } else {
    return f32x4.sub(c, f32x4.mul(a, b));
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


// ---------------------------------------------------------------- float32 lanes, any argument
// The element-wise exp, tanh and sigmoid (map.ts) on four float32 lanes. n = round(z / ln 2) by
// adding MAGIC = 1.5 * 2^23 + 127 (the add rounds to an integer and leaves n + 127 in the low
// bits, so t << 23 is 2^n for n in [-126, 127], no extra add), r = z - n ln 2 in two parts
// (Cody-Waite), |r| <= 0.347, and e^r = 1 + r P(r) with P of degree 5: a minimax fit of
// (e^r - 1) / r (relative error 1.4e-8 = 0.12 * 2^-23 with these float32 coefficients; its
// e^r error is 0.05 * 2^-23), made for this file by a linear program on a dense grid of
// |r| <= 0.348 against mpmath. One polynomial serves e^r (exp, sigmoid) and e^r - 1 (tanh,
// where the relative error of e^r - 1 near 0 is what counts). Fewer instructions per vector
// than Taylor to r^7 with exponent arithmetic on both sides: the element-wise ops are
// compute-bound in SIMD128, not memory-bound.
export const MAGIC_N: f32 = 12583039.0; // 1.5 * 2^23 + 127
// P's coefficients c1..c5 (c0 = 1), also scaled by tanh.ts.
export const P1: f32 = 0.4999999701976776;
export const P2: f32 = 0.1666654497385025;
export const P3: f32 = 0.04166743904352188;
export const P4: f32 = 0.008366456255316734;
export const P5: f32 = 0.0013870458351448178;

// Lane-splatted constants, 16 bytes each, in the order expF32x4 and sigmoidF32x4 take them
// (elemConst(i) is entry i; callers load them once, before their loops, see the top of this
// file): 0 log2 e, 1 MAGIC_N, 2 -ln2_hi, 3 -ln2_lo, 4..8 c5..c1, 9 1, 10 the |x| mask, 11 the
// one-scale limit (n in [-126, 126]); 12..14 expWide's clamps and 127 as i32 lanes.
const E_WIDE = 12;
const ELEM: usize = memory.data<f32>([
  LOG2E, LOG2E, LOG2E, LOG2E,
  MAGIC_N, MAGIC_N, MAGIC_N, MAGIC_N,
  -LN2_HI, -LN2_HI, -LN2_HI, -LN2_HI,
  -LN2_LO, -LN2_LO, -LN2_LO, -LN2_LO,
  P5, P5, P5, P5,
  P4, P4, P4, P4,
  P3, P3, P3, P3,
  P2, P2, P2, P2,
  P1, P1, P1, P1,
  1, 1, 1, 1,
  reinterpret<f32>(0x7fffffff), reinterpret<f32>(0x7fffffff), reinterpret<f32>(0x7fffffff), reinterpret<f32>(0x7fffffff),
  87.3, 87.3, 87.3, 87.3,
  -104, -104, -104, -104,
  88.8, 88.8, 88.8, 88.8,
  reinterpret<f32>(127), reinterpret<f32>(127), reinterpret<f32>(127), reinterpret<f32>(127),
], 16);

@inline export function elemConst(i: i32): v128 {
  return v128.load(ELEM + (<usize>i << 4));
}

// r = z - n ln 2 for t = n + MAGIC_N (two parts: n * LN2_HI is exact).
@inline export function reduceF32(z: v128, t: v128, magic: v128, nln2hi: v128, nln2lo: v128): v128 {
  const n = f32x4.sub(t, magic);
  return fma(n, nln2lo, fma(n, nln2hi, z));
}

// P(r) ~ (e^r - 1) / r.
@inline export function polyF32(r: v128, c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, one: v128): v128 {
  let p = fma(c5, r, c4);
  p = fma(p, r, c3);
  p = fma(p, r, c2);
  p = fma(p, r, c1);
  return fma(p, r, one);
}

// e^x for lanes where the one-scale path fails (|x| > 87.3: overflow, gradual underflow): x
// clamped to [-104, 88.8] (NaN stays NaN), 2^n applied as 2^(n - h) * 2^h with h = n >> 1, so
// overflow to Infinity and subnormal results come out as IEEE rounds them. Rare: loads its own
// constants.
function expWide(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, elemConst(E_WIDE)), elemConst(E_WIDE + 1));
  const magic = elemConst(1);
  const t = fma(xc, elemConst(0), magic);
  const r = reduceF32(xc, t, magic, elemConst(2), elemConst(3));
  const p = polyF32(r, elemConst(4), elemConst(5), elemConst(6), elemConst(7), elemConst(8), elemConst(9));
  const e = fma(p, r, elemConst(9));
  const n = i32x4.sub(t, magic);
  const h = i32x4.shr_s(n, 1);
  const bias = elemConst(E_WIDE + 2);
  const s1 = i32x4.shl(i32x4.add(h, bias), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(n, h), bias), 23);
  return f32x4.mul(f32x4.mul(e, s1), s2);
}

// e^x on the one-scale path: right for |x| <= 87.3 (n in [-126, 126]) and NaN.
@inline export function expFastF32x4(
  x: v128, log2e: v128, magic: v128, nln2hi: v128, nln2lo: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, one: v128,
): v128 {
  const t = fma(x, log2e, magic);
  const r = reduceF32(x, t, magic, nln2hi, nln2lo);
  return f32x4.mul(fma(polyF32(r, c5, c4, c3, c2, c1, one), r, one), i32x4.shl(t, 23));
}

// Lanes that need expWide: |x| > fast (87.3). NaN compares false: it stays on the one-scale
// path, where it propagates.
@inline export function expWideLanes(x: v128, abs: v128, fast: v128): v128 {
  return f32x4.gt(v128.and(x, abs), fast);
}

// e^x for any x (about 1 ulp; exp(-Inf) = 0, exp(Inf) = Inf, NaN stays NaN): the one-scale
// path, and lanes with |x| > 87.3 (rare) redone by expWide. A lane's result depends on its x
// alone, whichever path its neighbours take.
@inline export function expF32x4(
  x: v128, log2e: v128, magic: v128, nln2hi: v128, nln2lo: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, one: v128, abs: v128, fast: v128,
): v128 {
  const y = expFastF32x4(x, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one);
  const wide = expWideLanes(x, abs, fast);
  if (v128.any_true(wide)) {
    return v128.bitselect(expWide(x), y, wide);
  }
  return y;
}
