/**
 * float32 lane math written once as builders of the element-body graph (ir.ts): `Math.sin(x)` in
 * a user's body becomes the nodes `sin(b, x)` adds, and every backend of the graph (the f32x4
 * codegen, the one-lane evaluator irEval.ts) runs the same algorithm. No branches: each function
 * computes its general case on every lane and picks special values (NaN, Inf, 0, overflow) with
 * `select`. Every constant goes through `b.const` / `b.iconst`, so codegen hoists it out of loops.
 *
 * Techniques: Cody-Waite range reduction (the constant split in parts short enough that k * part
 * is exact in float32, so the reduction is the same whether `fma` is fused or not), polynomials on
 * the reduced range by Horner's rule with `fma`, 2^k from exponent bits, float decomposition by
 * bit masks. Polynomial coefficients are the single-precision minimax fits of the Cephes Math
 * Library (S. L. Moshier, expf.c, logf.c, sinf.c, tanf.c, atanf.c, asinf.c), used as
 * numbers; the algorithms around them are ours. Accuracy (measured in test/unit/vmath.test.ts,
 * printed by scripts/vmath-ulp.ts) holds whether `fma` is fused or not.
 */
import type { Builder, Val } from './ir.js';

/** A builder of one float lane function: the nodes it adds compute f(x) on every lane. */
export type VUnary = (b: Builder, x: Val) => Val;
export type VBinary = (b: Builder, x: Val, y: Val) => Val;

const SIGN_BIT = 0x80000000;
const ABS_BITS = 0x7fffffff;

/** p(x) = coeffs[0] x^(n-1) + ... + coeffs[n-1], by Horner's rule with fma. */
function horner(b: Builder, x: Val, coeffs: readonly number[]): Val {
  let p = b.const(coeffs[0]!);
  for (let i = 1; i < coeffs.length; i++) {
    p = b.fma(p, x, b.const(coeffs[i]!));
  }
  return p;
}

/** |mag| with the sign of `from` (copysign). */
export function copySign(b: Builder, mag: Val, from: Val): Val {
  const magnitude = b.bit('and', b.bits(mag), b.iconst(ABS_BITS));
  return b.float(b.bit('or', magnitude, signOf(b, from)));
}

/** The sign bit of a float lane as an int lane (0 or 0x80000000). */
function signOf(b: Builder, x: Val): Val {
  return b.bit('and', b.bits(x), b.iconst(SIGN_BIT));
}

/** v with its sign bit flipped where `sign` (an int lane, 0 or 0x80000000) is set. */
function flipSign(b: Builder, v: Val, sign: Val): Val {
  return b.float(b.bit('xor', b.bits(v), sign));
}

/**
 * p * 2^k for an int lane k in [-152, 128] (beyond that the caller selects): the scale is
 * applied as 2^h * 2^(k-h) with h = k >> 1, so both factors are normal floats, results that
 * overflow become Infinity and results below the smallest normal round once, as IEEE does.
 */
function scaleByPow2(b: Builder, p: Val, k: Val): Val {
  const h = b.shift('shr', k, 1);
  const bias = b.iconst(127);
  const s1 = b.float(b.shift('shl', b.int('iadd', h, bias), 23));
  const s2 = b.float(b.shift('shl', b.int('iadd', b.int('isub', k, h), bias), 23));
  return b.mul(b.mul(p, s1), s2);
}

// ---------------------------------------------------------------- exp

const LOG2E = 1.4426950408889634;
// ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so k * LN2_HI is exact for |k| <= 2^15.
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
// e^r = 1 + r + r^2 P(r) on |r| <= ln2 / 2 (Cephes expf).
const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/**
 * e^x on float32 lanes: x = k ln2 + r, e^r by a degree-7 polynomial, times 2^k. Overflow gives
 * Infinity (x > 88.72), underflow rounds gradually to 0 (x < -103.97); NaN stays NaN.
 *
 * @example const y = exp(b, b.arg(0)); // Math.exp(args[0]) to float32, within 1 ulp
 */
export function exp(b: Builder, x: Val): Val {
  // Clamping keeps k in scaleByPow2's range; e^89 already overflows and e^-104 already rounds to 0.
  const xc = b.bin('min', b.bin('max', x, b.const(-104)), b.const(89));
  const kf = b.un('nearest', b.mul(xc, b.const(LOG2E)));
  return scaleByPow2(b, expReduced(b, xc, kf), b.toInt(kf));
}

/** e^(x - kf ln2) for |x - kf ln2| <= about ln2 / 2. */
function expReduced(b: Builder, x: Val, kf: Val): Val {
  let r = b.fma(kf, b.const(-LN2_HI), x);
  r = b.fma(kf, b.const(-LN2_LO), r);
  const p = horner(b, r, EXP_P);
  return b.add(b.fma(p, b.mul(r, r), r), b.const(1));
}

/**
 * (e^x - 1) / 4 for x clamped to [-20, 89.5] (beyond: -1/4 and Infinity once scaled): with
 * x = k ln2 + r and q = e^r - 1, it is g q + (g - 1/4) with g = 2^(k-2), exact for k = 0
 * (so small |x| keep full relative precision) and representable up to k = 129, where sinh and
 * cosh still have finite values. Callers multiply by 4 (expm1) or 2 (sinh, cosh).
 */
function expm1Quarter(b: Builder, x: Val): Val {
  const xc = b.bin('min', b.bin('max', x, b.const(-20)), b.const(89.5));
  const kf = b.un('nearest', b.mul(xc, b.const(LOG2E)));
  let r = b.fma(kf, b.const(-LN2_HI), xc);
  r = b.fma(kf, b.const(-LN2_LO), r);
  const q = b.fma(horner(b, r, EXP_P), b.mul(r, r), r);
  const g = b.float(b.shift('shl', b.int('iadd', b.toInt(kf), b.iconst(125)), 23));
  return b.fma(g, q, b.sub(g, b.const(0.25)));
}

/**
 * e^x - 1 on float32 lanes (Math.expm1), full relative precision near 0; -1 below x = -17.4,
 * Infinity above 88.72; -0 stays -0.
 *
 * @example const y = expm1(b, b.arg(0));
 */
export function expm1(b: Builder, x: Val): Val {
  // Below 2^-24, e^x - 1 rounds to x itself (also +-0 and subnormals, which x / 4 would lose).
  const tiny = b.cmp('lt', b.un('abs', x), b.const(2 ** -24));
  return b.select(tiny, x, b.mul(expm1Quarter(b, x), b.const(4)));
}

/**
 * sinh and cosh from E = (e^|x| - 1) / 2 and i = 1 / (2E + 1) = e^-|x|: sinh = E + E i (no
 * cancellation near 0), cosh = (E + 1/2) + i / 2; both finite up to |x| = 89.41.
 */
function halfExpm1Abs(b: Builder, x: Val): { e: Val; inverse: Val } {
  const e = b.mul(expm1Quarter(b, b.un('abs', x)), b.const(2));
  return { e, inverse: b.div(b.const(1), b.fma(e, b.const(2), b.const(1))) };
}

/** Hyperbolic sine on float32 lanes (Math.sinh); -0 stays -0. @example sinh(b, b.arg(0)) */
export function sinh(b: Builder, x: Val): Val {
  const { e, inverse } = halfExpm1Abs(b, x);
  // E i <= 1/2; E capped so that an infinite E does not make it Inf * 0.
  return withSignOf(b, b.fma(b.bin('min', e, b.const(1e30)), inverse, e), x);
}

/** Hyperbolic cosine on float32 lanes (Math.cosh). @example cosh(b, b.arg(0)) */
export function cosh(b: Builder, x: Val): Val {
  const { e, inverse } = halfExpm1Abs(b, x);
  return b.fma(inverse, b.const(0.5), b.add(e, b.const(0.5)));
}

// ---------------------------------------------------------------- log

// log(1 + f) = f - f^2 / 2 + f^3 P(f) on f in [sqrt(1/2) - 1, sqrt(2) - 1] (Cephes logf).
const LOG_P = [
  7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
];
const SQRT_HALF_BITS = 0x3f3504f3;
const SMALLEST_NORMAL = 2 ** -126;

/**
 * x = 2^e m with m in [sqrt(1/2), sqrt(2)): returns f = m - 1 (exact) and e as a float lane.
 * Subnormal x is first scaled by 2^23. Meaningless for x <= 0, Inf and NaN (callers select).
 */
function decompose(b: Builder, x: Val): { f: Val; e: Val } {
  const tiny = b.cmp('lt', x, b.const(SMALLEST_NORMAL));
  const xs = b.select(tiny, b.mul(x, b.const(2 ** 23)), x);
  // Subtracting sqrt(1/2)'s bits moves the exponent boundary to sqrt(1/2): the high bits are e.
  const t = b.int('isub', b.bits(xs), b.iconst(SQRT_HALF_BITS));
  const e = b.int('iadd', b.shift('shr', t, 23), b.select(tiny, b.iconst(-23), b.iconst(0)));
  const m = b.float(b.int('iadd', b.bit('and', t, b.iconst(0x7fffff)), b.iconst(SQRT_HALF_BITS)));
  return { f: b.sub(m, b.const(1)), e: b.cvt(e) };
}

/** x where 0 < x < Infinity, else log's special value: -Inf at 0, Inf at Inf, NaN below 0 or at NaN. */
function logSpecial(b: Builder, x: Val, value: Val): Val {
  const inside = b.bit('and', b.cmp('gt', x, b.const(0)), b.cmp('lt', x, b.const(Infinity)));
  const special = b.mul(b.sub(b.un('sqrt', x), b.const(1)), b.const(Infinity));
  return b.select(inside, value, special);
}

/**
 * Natural logarithm on float32 lanes (Math.log): log x = e ln2 + log(1 + f), subnormals
 * included; log(0) = -Infinity, log(Inf) = Inf, NaN for x < 0 and NaN.
 *
 * @example const y = log(b, b.arg(0));
 */
export function log(b: Builder, x: Val): Val {
  const { f, e } = decompose(b, x);
  const z = b.mul(f, f);
  let y = b.mul(b.mul(f, z), horner(b, f, LOG_P));
  y = b.fma(e, b.const(LN2_LO), y);
  y = b.fma(z, b.const(-0.5), y);
  const value = b.fma(e, b.const(LN2_HI), b.add(f, y));
  return logSpecial(b, x, value);
}

/** log(1 + f) - f for the f of decompose (the polynomial part shared by log, log2 and log10). */
function log1pfMinusF(b: Builder, f: Val): Val {
  const z = b.mul(f, f);
  return b.fma(z, b.const(-0.5), b.mul(b.mul(f, z), horner(b, f, LOG_P)));
}

/**
 * log(1 + x) on float32 lanes (Math.log1p): log u for u = 1 + x, plus the rounding of u
 * corrected to first order, (x - (u - 1)) / u; full relative precision near 0, -0 stays -0.
 *
 * @example const y = log1p(b, b.arg(0));
 */
export function log1p(b: Builder, x: Val): Val {
  const u = b.add(x, b.const(1));
  const logU = log(b, u);
  const inside = b.bit('and', b.cmp('gt', u, b.const(0)), b.cmp('lt', u, b.const(Infinity)));
  const correction = b.div(b.sub(x, b.sub(u, b.const(1))), u);
  return keepZero(b, x, b.select(inside, b.add(logU, correction), logU));
}

/** Base-2 logarithm (Math.log2): e + log2(1 + f), exact for powers of two. @example log2(b, b.arg(0)) */
export function log2(b: Builder, x: Val): Val {
  const { f, e } = decompose(b, x);
  const log2e = b.const(LOG2E);
  return logSpecial(b, x, b.fma(f, log2e, b.fma(log1pfMinusF(b, f), log2e, e)));
}

// log10(2) = LG2_HI + LG2_LO, LG2_HI with 12 significant bits (e * LG2_HI is exact).
const LOG10E = Math.LOG10E;
const LG2 = Math.LN2 / Math.LN10;
const LG2_HI = Math.fround(LG2) - (Math.fround(LG2) % 2 ** -13);
const LG2_LO = LG2 - LG2_HI;

/** Base-10 logarithm (Math.log10). @example log10(b, b.arg(0)) */
export function log10(b: Builder, x: Val): Val {
  const { f, e } = decompose(b, x);
  const log10e = b.const(LOG10E);
  const small = b.fma(f, log10e, b.fma(log1pfMinusF(b, f), log10e, b.mul(e, b.const(LG2_LO))));
  return logSpecial(b, x, b.fma(e, b.const(LG2_HI), small));
}

// ---------------------------------------------------------------- sin, cos, tan

// pi/2 as a sum: five 8-bit parts (j * part is exact for |j| < 2^16, i.e. |x| < 1.0e5, so each
// step of x - j pi/2 is exact while the remainder is small) and a 24-bit tail; together ~ 82 bits.
const PIO2_PARTS = [1.5703125, 4.825592041015625e-4, 1.2665987014770508e-6, 9.89530235528946e-10, 2.5579538487363607e-12, 5.390302953474238e-15];
// sin r = r + r^3 S(r^2) and cos r = 1 - r^2 / 2 + r^4 C(r^2) on |r| <= pi/4 (Cephes sinf).
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1];
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2];
// tan r = r + r^3 T(r^2) on |r| <= pi/4 (Cephes tanf).
const TAN_P = [9.38540185543e-3, 3.11992232697e-3, 2.44301354525e-2, 5.34112807005e-2, 1.33387994085e-1, 3.33331568548e-1];

/**
 * x = j pi/2 + r: returns r (|r| <= ~pi/4) and j as an int lane. The first three steps are exact
 * while |r| < 2^-3. Below |r| = 2^-13 the last three steps are exact too (a tiny r needs every
 * bit of the ~ 70 bits of pi/2); above, each of them may round, so r is instead r3 minus their
 * sum (small parts first): two roundings instead of four.
 */
function reduceHalfPi(b: Builder, x: Val): { r: Val; j: Val } {
  const jf = b.un('nearest', b.mul(x, b.const(2 / Math.PI)));
  const [p1, p2, p3, p4, p5, p6] = PIO2_PARTS.map((part) => b.const(-part)) as [Val, Val, Val, Val, Val, Val];
  const r3 = b.fma(jf, p3, b.fma(jf, p2, b.fma(jf, p1, x)));
  const small = b.fma(jf, p6, b.fma(jf, p5, b.fma(jf, p4, r3)));
  const tail = b.fma(jf, p4, b.fma(jf, p5, b.mul(jf, p6)));
  const large = b.add(r3, tail);
  let r = b.select(b.cmp('lt', b.un('abs', large), b.const(2 ** -13)), small, large);
  // Beyond |x| ~ 1e5 the parts are no longer exact; the clamp keeps the result in [-1, 1]
  // (inaccurate there, never NaN or Inf for finite x). NaN and +-Inf give NaN through the clamp.
  r = b.bin('min', b.bin('max', r, b.const(-1)), b.const(1));
  // j's low two bits pick the quadrant; clamped, huge x gives the same j on every engine
  // (toInt is exact only inside the int32 range).
  return { r, j: b.toInt(b.bin('min', b.bin('max', jf, b.const(-(2 ** 24))), b.const(2 ** 24))) };
}

function sinCosCore(b: Builder, r: Val): { s: Val; c: Val } {
  const z = b.mul(r, r);
  const s = b.fma(b.mul(r, z), horner(b, z, SIN_P), r);
  const c = b.fma(b.mul(z, z), horner(b, z, COS_P), b.fma(z, b.const(-0.5), b.const(1)));
  return { s, c };
}

/** sin (quarter = 0) or cos (quarter = 1) of x = j pi/2 + r: quadrant j + quarter picks +-sin r or +-cos r. */
function sinOrCos(b: Builder, x: Val, quarter: number): Val {
  const { r, j } = reduceHalfPi(b, x);
  const { s, c } = sinCosCore(b, r);
  const q = quarter === 0 ? j : b.int('iadd', j, b.iconst(quarter));
  const odd = b.icmp('ieq', b.bit('and', q, b.iconst(1)), b.iconst(1));
  // Quadrants 2 and 3 negate: bit 1 of q moved to the sign bit.
  const sign = b.shift('shl', b.bit('and', q, b.iconst(2)), 30);
  return flipSign(b, b.select(odd, c, s), sign);
}

/** Keeps x where x is +-0 (the reduction x - 0 * pi/2 turns -0 into +0). */
function keepZero(b: Builder, x: Val, value: Val): Val {
  return b.select(b.cmp('eq', x, b.const(0)), x, value);
}

/**
 * Sine on float32 lanes (Math.sin), accurate for |x| < 1e5 (see PIO2_PARTS); beyond, a value
 * in [-1, 1] of degrading accuracy; NaN for NaN and +-Inf.
 *
 * @example const y = sin(b, b.arg(0));
 */
export function sin(b: Builder, x: Val): Val {
  return keepZero(b, x, sinOrCos(b, x, 0));
}

/** Cosine on float32 lanes (Math.cos), with sin's range. @example cos(b, b.arg(0)) */
export function cos(b: Builder, x: Val): Val {
  return sinOrCos(b, x, 1);
}

/** Tangent on float32 lanes (Math.tan), with sin's range: tan r, or -1 / tan r in odd quadrants. */
export function tan(b: Builder, x: Val): Val {
  const { r, j } = reduceHalfPi(b, x);
  const z = b.mul(r, r);
  const t = b.fma(b.mul(r, z), horner(b, z, TAN_P), r);
  const odd = b.icmp('ieq', b.bit('and', j, b.iconst(1)), b.iconst(1));
  return keepZero(b, x, b.select(odd, b.div(b.const(-1), t), t));
}

// ---------------------------------------------------------------- atan, atan2, asin, acos

const TAN_PI_8 = 0.41421356237309503;
const TAN_3PI_8 = 2.414213562373095;
const PI = Math.PI;
// atan t = t + t^3 A(t^2) on |t| <= tan(pi/8) (Cephes atanf).
const ATAN_P = [8.05374449538e-2, -1.38776856032e-1, 1.99777106478e-1, -3.33329491539e-1];
// asin s = s + s^3 S(s^2) on |s| <= 1/2 (Cephes asinf).
const ASIN_P = [4.2163199048e-2, 2.4181311049e-2, 4.5470025998e-2, 7.4953002686e-2, 1.6666752422e-1];

/** v (>= 0 or NaN) with the sign bit of `from`. */
function withSignOf(b: Builder, v: Val, from: Val): Val {
  return b.float(b.bit('or', b.bits(v), signOf(b, from)));
}

// fround(pi/2) and fround(pi/4) are both too large by this fraction of themselves.
const PI_FRACTION_LO = (Math.PI / 2 - Math.fround(Math.PI / 2)) / Math.fround(Math.PI / 2);

/**
 * y0 + atan(n / d) where |n / d| <= ~tan(pi/8) and y0 is 0, pi/4 or pi/2 (as float32): the
 * polynomial after one division, with y0's rounding error added back before the last add.
 */
function atanCore(b: Builder, n: Val, d: Val, y0: Val): Val {
  const t = b.div(n, d);
  const z = b.mul(t, t);
  const u = b.fma(b.mul(t, z), horner(b, z, ATAN_P), t);
  return b.add(y0, b.fma(y0, b.const(PI_FRACTION_LO), u));
}

/**
 * Arctangent on float32 lanes (Math.atan): |x| is reduced to |t| <= tan(pi/8) by
 * atan a = pi/2 + atan(-1/a) (a > tan 3pi/8) or pi/4 + atan((a-1)/(a+1)) (a > tan pi/8), one
 * division for all three cases; atan(+-Inf) = +-pi/2, NaN stays NaN, -0 stays -0.
 *
 * @example const y = atan(b, b.arg(0));
 */
export function atan(b: Builder, x: Val): Val {
  const a = b.un('abs', x);
  const big = b.cmp('gt', a, b.const(TAN_3PI_8));
  const mid = b.cmp('gt', a, b.const(TAN_PI_8));
  const one = b.const(1);
  const n = b.select(big, b.const(-1), b.select(mid, b.sub(a, one), a));
  const d = b.select(big, a, b.select(mid, b.add(a, one), one));
  const y0 = b.select(big, b.const(PI / 2), b.select(mid, b.const(PI / 4), b.const(0)));
  return withSignOf(b, atanCore(b, n, d, y0), x);
}

/**
 * atan2(y, x) on float32 lanes (Math.atan2), every ECMAScript special case included (signed
 * zeros, infinities, NaN): the angle of min(|y|, |x|) / max(|y|, |x|) (reduced by pi/4 as in
 * atan, one division), reflected to the octant of (x, y).
 *
 * @example const angle = atan2(b, b.arg(0), b.arg(1)); // y = arg 0, x = arg 1
 */
export function atan2(b: Builder, y: Val, x: Val): Val {
  const ay = b.un('abs', y);
  const ax = b.un('abs', x);
  // Both infinite: the ratio is 1 (pi/4 before reflection), not Inf / Inf.
  const bothInf = b.cmp('eq', b.bin('min', ay, ax), b.const(Infinity));
  const one = b.const(1);
  // Above 2^125, num + den below could overflow: both are scaled by 1/4 (the ratio is kept).
  const huge = b.select(b.cmp('gt', b.bin('max', ay, ax), b.const(2 ** 125)), b.const(0.25), one);
  const num = b.select(bothInf, one, b.mul(b.bin('min', ay, ax), huge));
  const den = b.select(bothInf, one, b.mul(b.bin('max', ay, ax), huge));
  const mid = b.cmp('gt', num, b.mul(den, b.const(TAN_PI_8)));
  const n = b.select(mid, b.sub(num, den), num);
  // Both zero: 0 / smallest float = 0 instead of 0 / 0.
  const d = b.bin('max', b.select(mid, b.add(num, den), den), b.const(2 ** -149));
  const theta = atanCore(b, n, d, b.select(mid, b.const(PI / 4), b.const(0)));
  const swapped = b.select(b.cmp('gt', ay, ax), b.sub(b.const(PI / 2), theta), theta);
  const left = b.icmp('ilt', b.bits(x), b.iconst(0)); // x < 0 or x = -0
  return withSignOf(b, b.select(left, b.sub(b.const(PI), swapped), swapped), y);
}

/** asin |x| (NaN for |x| > 1) and whether |x| > 1/2 (then it is pi/2 - 2p with p returned). */
function asinCore(b: Builder, a: Val): { p: Val; big: Val } {
  const big = b.cmp('gt', a, b.const(0.5));
  // asin a = pi/2 - 2 asin(sqrt((1 - a) / 2)) for a > 1/2.
  const zBig = b.mul(b.sub(b.const(1), a), b.const(0.5));
  const z = b.select(big, zBig, b.mul(a, a));
  const s = b.select(big, b.un('sqrt', zBig), a);
  return { p: b.fma(b.mul(s, z), horner(b, z, ASIN_P), s), big };
}

/** Arcsine on float32 lanes (Math.asin); NaN for |x| > 1 and NaN. @example asin(b, b.arg(0)) */
export function asin(b: Builder, x: Val): Val {
  const { p, big } = asinCore(b, b.un('abs', x));
  return withSignOf(b, b.select(big, b.fma(p, b.const(-2), b.const(PI / 2)), p), x);
}

/** Arccosine on float32 lanes (Math.acos); NaN for |x| > 1 and NaN. @example acos(b, b.arg(0)) */
export function acos(b: Builder, x: Val): Val {
  const { p, big } = asinCore(b, b.un('abs', x));
  // |x| <= 1/2: pi/2 - asin x; x > 1/2: 2 asin(sqrt((1 - x) / 2)); x < -1/2: pi minus that.
  const small = b.sub(b.const(PI / 2), withSignOf(b, p, x));
  const large = b.select(b.cmp('lt', x, b.const(0)), b.fma(p, b.const(-2), b.const(PI)), b.add(p, p));
  return b.select(big, large, small);
}

// ---------------------------------------------------------------- tanh

/**
 * Hyperbolic tangent on float32 lanes (Math.tanh), from expm1's reduction (no cancellation near
 * 0); 1 beyond |x| = 9.1, -0 stays -0, NaN stays NaN.
 *
 * @example const y = tanh(b, b.arg(0));
 */
export function tanh(b: Builder, x: Val): Val {
  // tanh a = (e^2a - 1) / (e^2a + 1) = F / (F + 1/2) with F = (e^2a - 1) / 4; 1 beyond a = 9.1.
  const abs = b.un('abs', x);
  const a = b.bin('min', abs, b.const(9.1));
  const f = expm1Quarter(b, b.add(a, a));
  const value = withSignOf(b, b.div(f, b.add(f, b.const(0.5))), x);
  // Below 2^-12, tanh x rounds to x (F would lose subnormals); also keeps +-0.
  return b.select(b.cmp('lt', abs, b.const(2 ** -12)), x, value);
}

// ---------------------------------------------------------------- round, sign, hypot

/**
 * Math.round: halves go toward +Infinity (2.5 -> 3, -2.5 -> -2), unlike `nearest` (ties to
 * even): where nearest went down by a half, add one. Exact for every float32, including
 * 0.49999997 -> 0 and values >= 2^23 (already integers); -0.5 -> -0.
 *
 * @example const r = round(b, b.arg(0));
 */
export function round(b: Builder, x: Val): Val {
  const n = b.un('nearest', x);
  return b.select(b.cmp('eq', b.sub(x, n), b.const(0.5)), b.add(n, b.const(1)), n);
}

/** Math.sign: 1, -1, or x itself for +-0 and NaN. @example sign(b, b.arg(0)) */
export function sign(b: Builder, x: Val): Val {
  const zero = b.const(0);
  return b.select(b.cmp('gt', x, zero), b.const(1), b.select(b.cmp('lt', x, zero), b.const(-1), x));
}

/**
 * Math.hypot(x, y) = sqrt(x^2 + y^2) without overflow or underflow in the squares: both are
 * scaled by a power of two when max(|x|, |y|) is beyond 2^+-60. Infinity if either is
 * infinite (even with NaN), else NaN if either is NaN.
 *
 * @example const r = hypot(b, b.arg(0), b.arg(1));
 */
export function hypot(b: Builder, x: Val, y: Val): Val {
  const ax = b.un('abs', x);
  const ay = b.un('abs', y);
  const m = b.bin('max', ax, ay);
  const big = b.cmp('gt', m, b.const(2 ** 60));
  const tiny = b.cmp('lt', m, b.const(2 ** -60));
  const one = b.const(1);
  const scale = b.select(big, b.const(2 ** -90), b.select(tiny, b.const(2 ** 90), one));
  const unscale = b.select(big, b.const(2 ** 90), b.select(tiny, b.const(2 ** -90), one));
  const sx = b.mul(ax, scale);
  const sy = b.mul(ay, scale);
  const r = b.mul(b.un('sqrt', b.fma(sx, sx, b.mul(sy, sy))), unscale);
  const inf = b.const(Infinity);
  const anyInf = b.bit('or', b.cmp('eq', ax, inf), b.cmp('eq', ay, inf));
  return b.select(anyInf, inf, r);
}

// ---------------------------------------------------------------- pow

// 2 / ln 2 = K_HI + K_LO, K_HI with 12 significant bits (a product with another 12-bit value is exact).
const K = 2 / Math.LN2;
const K_HI = Math.fround(K) - (Math.fround(K) % 2 ** -10);
const K_LO = K - K_HI;
// log2(1 + f) = K atanh(s) = K (s + s^3 / 3 + s^5 / 5 + ...), s = f / (2 + f), |s| <= 0.1716.
const ATANH_Q = [K / 11, K / 9, K / 7, K / 5, K / 3];
// 2^r = 1 + r (ln2 + r (ln2^2 / 2 + ...)): Taylor to r^7 on |r| <= ~0.55 (truncation < 0.1 ulp).
const EXP2_Q = [7, 6, 5, 4, 3, 2, 1].map((n) => Math.LN2 ** n / factorial(n));

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** v's high 12 significant bits (v - high12(v) is exact and has at most 12 bits). */
function high12(b: Builder, v: Val): Val {
  return b.float(b.bit('and', b.bits(v), b.iconst(0xfffff000)));
}

/**
 * log2 a for a > 0 as a sum hi + lo with about 36 good bits (hi has 12 significant bits), so
 * that y * log2 a is exact enough for pow near overflow: a = 2^e (1 + f), log2(1 + f) =
 * K (s_hi + s_lo) + K s^3 Q(s^2) with the leading product split in exact 12-bit pieces.
 */
function log2Split(b: Builder, a: Val): { hi: Val; lo: Val } {
  const { f, e } = decompose(b, a);
  const two = b.const(2);
  const d = b.add(two, f);
  const dLo = b.add(b.sub(two, d), f); // exact: 2 + f = d + dLo
  const sHi = high12(b, b.div(f, d));
  const dHi = high12(b, d);
  // f - sHi (d + dLo): the first difference is exact (sHi dHi is within a factor 2 of f).
  const residual = b.sub(b.sub(b.sub(f, b.mul(sHi, dHi)), b.mul(sHi, b.sub(d, dHi))), b.mul(sHi, dLo));
  const sLo = b.div(residual, d);
  const s = b.add(sHi, sLo);
  const s2 = b.mul(s, s);
  const tail = b.mul(b.mul(s, s2), horner(b, s2, ATANH_Q));
  const lead = b.mul(sHi, b.const(K_HI)); // exact
  const leadLo = b.fma(sHi, b.const(K_LO), b.fma(sLo, b.const(K), tail));
  const hi = high12(b, b.add(e, lead));
  // e - hi is exact (both are multiples of hi's last bit and their difference is below 1).
  const lo = b.add(b.add(b.sub(e, hi), lead), leadLo);
  return { hi, lo };
}

/**
 * Math.pow(x, y) (and x ** y) on float32 lanes: 2^(y log2 |x|) with log2 |x| carried in two
 * parts and y split in 12-bit halves, so the exponent w = y log2 |x| is good to ~2^-30 even
 * near overflow; 2^w = 2^k 2^r with |r| <= 1/2. Covers every ECMAScript case: y = +-0 -> 1
 * (even for NaN x); NaN x or y -> NaN; x < 0 (finite) with non-integer y -> NaN; x < 0 with odd
 * integer y negates (also -0 and -Infinity); |x| = 1 with y = +-Inf -> NaN; zeros, infinities,
 * overflow to Infinity and gradual underflow to 0 as IEEE rounds them.
 *
 * @example const p = pow(b, b.arg(0), b.arg(1)); // args[0] ** args[1]
 */
export function pow(b: Builder, x: Val, y: Val): Val {
  const a = b.un('abs', x);
  const split = log2Split(b, a);
  const inside = b.bit('and', b.cmp('gt', a, b.const(0)), b.cmp('lt', a, b.const(Infinity)));
  // log2 of 0, Inf and NaN: -Inf, Inf, NaN; y times that decides the result below.
  const special = b.mul(b.sub(a, b.const(1)), b.const(Infinity));
  const lHi = b.select(inside, split.hi, special);
  const yHi = high12(b, y);
  const w1 = b.mul(yHi, lHi); // exact
  const w2 = b.fma(b.sub(y, yHi), lHi, b.mul(y, split.lo));
  // w2 holds y times the whole low part of log2 |x| (the series tail included): it may exceed 1.
  const k = b.un('nearest', b.add(w1, w2));
  const r = b.add(b.sub(w1, k), w2); // w1 - k is exact
  const p = b.fma(r, horner(b, r, EXP2_Q), b.const(1));
  const whole = b.mul(y, lHi); // only its range matters
  let v = scaleByPow2(b, p, b.toInt(k));
  v = b.select(b.cmp('gt', whole, b.const(130)), b.const(Infinity), v);
  v = b.select(b.cmp('lt', whole, b.const(-160)), b.const(0), v);
  // Negative x: odd integer y negates; a non-integer y gives NaN (finite x only).
  const integer = b.cmp('eq', b.un('trunc', y), y);
  const lowBit = b.icmp('ieq', b.bit('and', b.toInt(y), b.iconst(1)), b.iconst(1));
  const odd = b.bit('and', b.bit('and', integer, b.cmp('lt', b.un('abs', y), b.const(2 ** 24))), lowBit);
  const negative = b.icmp('ilt', b.bits(x), b.iconst(0));
  v = flipSign(b, v, b.select(b.bit('and', negative, odd), b.iconst(SIGN_BIT), b.iconst(0)));
  const negativeFinite = b.bit('and', b.cmp('lt', x, b.const(0)), b.cmp('gt', x, b.const(-Infinity)));
  v = b.select(b.bit('andnot', negativeFinite, integer), b.const(NaN), v);
  return b.select(b.cmp('eq', y, b.const(0)), b.const(1), v);
}

/**
 * x ** n for an exponent the compiler knows (a literal), where a short product is as good as
 * pow and about 100 ops cheaper: n = 0, 1, 2, -1 and 0.5 give Math.pow's float32 result exactly
 * (one rounding; 0.5 is sqrt with pow's -0 -> +0 and -Infinity -> Infinity), 3 and 4 round
 * twice (within 1 and 2 ulp, tested). Any other n: undefined (use pow).
 *
 * @example const sq = powConstant(b, x, 2) ?? pow(b, x, b.const(2));
 */
export function powConstant(b: Builder, x: Val, n: number): Val | undefined {
  switch (n) {
    case 0:
      return b.const(1); // also for NaN x, as Math.pow
    case 1:
      return x;
    case 2:
      return b.mul(x, x);
    case 3:
      return b.mul(b.mul(x, x), x);
    case 4:
      return b.mul(b.mul(x, x), b.mul(x, x));
    case -1:
      return b.div(b.const(1), x);
    case 0.5: {
      const inf = b.const(Infinity);
      // -0 + 0 = +0, whose pow is +0; sqrt(-Infinity) is NaN where pow gives Infinity.
      return b.select(b.cmp('eq', x, b.const(-Infinity)), inf, b.un('sqrt', b.add(x, b.const(0))));
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- cbrt

/**
 * Cube root on float32 lanes (Math.cbrt): a first guess from the exponent bits divided by
 * three (Kahan's constant 0x2a5137a0, ~5 bits), then two Halley steps
 * y (y^3 + 2a) / (2y^3 + a), each tripling the good bits; +-0, +-Inf and NaN are returned as
 * they are.
 *
 * @example const y = cbrt(b, b.arg(0));
 */
export function cbrt(b: Builder, x: Val): Val {
  const a = b.un('abs', x);
  // Far from 1, |x| is scaled by 2^+-48 (its root by 2^+-16) so that y^3 stays a normal float.
  const tiny = b.cmp('lt', a, b.const(2 ** -100));
  const huge = b.cmp('gt', a, b.const(2 ** 100));
  const one = b.const(1);
  const as = b.mul(a, b.select(tiny, b.const(2 ** 48), b.select(huge, b.const(2 ** -48), one)));
  const third = b.toInt(b.mul(b.cvt(b.bits(as)), b.const(1 / 3)));
  let y = b.float(b.int('iadd', third, b.iconst(0x2a5137a0)));
  const two = b.const(2);
  for (let i = 0; i < 2; i++) {
    // y (y^3 + 2a) / (2y^3 + a) written as y + y (a - y^3) / (2y^3 + a): a small correction.
    const y3 = b.mul(b.mul(y, y), y);
    y = b.fma(y, b.div(b.sub(as, y3), b.fma(y3, two, as)), y);
  }
  y = b.mul(y, b.select(tiny, b.const(2 ** -16), b.select(huge, b.const(2 ** 16), one)));
  const inside = b.bit('and', b.cmp('gt', a, b.const(0)), b.cmp('lt', a, b.const(Infinity)));
  return withSignOf(b, b.select(inside, y, a), x);
}

/** A Math.* function the compiler maps to graph nodes: its argument count and builder. */
export interface VMathEntry {
  readonly arity: number;
  readonly build: (b: Builder, ...args: Val[]) => Val;
}

/** The Math.* functions user kernels may call, by name (Math.<name>); others are compile errors. */
export const VMATH: Readonly<Record<string, VMathEntry>> = {
  exp: { arity: 1, build: exp },
  log: { arity: 1, build: log },
  sin: { arity: 1, build: sin },
  cos: { arity: 1, build: cos },
  tan: { arity: 1, build: tan },
  atan: { arity: 1, build: atan },
  atan2: { arity: 2, build: atan2 },
  asin: { arity: 1, build: asin },
  acos: { arity: 1, build: acos },
  tanh: { arity: 1, build: tanh },
  round: { arity: 1, build: round },
  sign: { arity: 1, build: sign },
  hypot: { arity: 2, build: hypot },
  pow: { arity: 2, build: pow },
  expm1: { arity: 1, build: expm1 },
  log1p: { arity: 1, build: log1p },
  log2: { arity: 1, build: log2 },
  log10: { arity: 1, build: log10 },
  sinh: { arity: 1, build: sinh },
  cosh: { arity: 1, build: cosh },
  cbrt: { arity: 1, build: cbrt },
  abs: { arity: 1, build: (b, x) => b.un('abs', x!) },
  sqrt: { arity: 1, build: (b, x) => b.un('sqrt', x!) },
  floor: { arity: 1, build: (b, x) => b.un('floor', x!) },
  ceil: { arity: 1, build: (b, x) => b.un('ceil', x!) },
  trunc: { arity: 1, build: (b, x) => b.un('trunc', x!) },
  min: { arity: 2, build: (b, x, y) => b.bin('min', x!, y!) },
  max: { arity: 2, build: (b, x, y) => b.bin('max', x!, y!) },
  // The lanes are float32 already.
  fround: { arity: 1, build: (_b, x) => x! },
};
