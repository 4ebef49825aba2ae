// Natural logarithm of two float64 lanes, to about 1 ulp: x = m 2^e with m in [sqrt(1/2),
// sqrt(2)) from the exponent bits (subnormals scaled by 2^54 first), then
// log m = 2 atanh(s) = 2s (1 + s^2/3 + s^4/5 + ... + s^22/23) with s = (m - 1) / (m + 1),
// |s| <= 0.1716 (truncation below 0.01 ulp), and log x = e ln2_hi + (log m + e ln2_lo).
// log(0) = -Infinity, log(x < 0) = NaN, log(Infinity) = Infinity, NaN stays NaN.

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;

@inline export function logF64x2(x: v128): v128 {
  const tiny = f64x2.lt(x, f64x2.splat(SMALLEST_NORMAL));
  const scaled = v128.bitselect(f64x2.mul(x, f64x2.splat(18014398509481984.0)), x, tiny); // 2^54
  const bits = scaled;
  let e = i64x2.sub(i64x2.shr_u(bits, 52), i64x2.splat(1023));
  e = i64x2.sub(e, v128.and(tiny, i64x2.splat(54)));
  let m = v128.or(v128.and(bits, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  // m in [1, 2): halve it above sqrt(2) so that |s| stays small.
  const big = f64x2.gt(m, f64x2.splat(1.4142135623730951));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  e = i64x2.sub(e, big); // big lanes are -1: e + 1
  const f = f64x2.sub(m, f64x2.splat(1));
  const s = f64x2.div(f, f64x2.add(m, f64x2.splat(1)));
  const z = f64x2.mul(s, s);
  let p = f64x2.splat(1.0 / 23);
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 21));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 19));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 17));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 15));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 13));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 11));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 9));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 7));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 5));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 3));
  const s2 = f64x2.add(s, s);
  // log m = 2s + 2s z p: the small correction is added last.
  const logm = f64x2.add(s2, f64x2.mul(s2, f64x2.mul(z, p)));
  const ef = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(e, e, 0, 2, 0, 2));
  let y = f64x2.add(f64x2.mul(ef, f64x2.splat(LN2_HI)), f64x2.add(logm, f64x2.mul(ef, f64x2.splat(LN2_LO))));
  // Special lanes: 0 -> -Infinity, x < 0 -> NaN, +Infinity and NaN -> x itself.
  y = v128.bitselect(f64x2.splat(-Infinity), y, f64x2.eq(x, f64x2.splat(0)));
  y = v128.bitselect(f64x2.splat(NaN), y, f64x2.lt(x, f64x2.splat(0)));
  y = v128.bitselect(x, y, v128.or(f64x2.ne(x, x), f64x2.eq(x, f64x2.splat(Infinity))));
  return y;
}
