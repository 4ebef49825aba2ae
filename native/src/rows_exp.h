/*
 * exp for the rows family (included by rows_impl.h after rows_vec.h): the shifted exps of softmax
 * (arguments <= 0 with a correction term) in float32 and float64, and the float32 exp of any
 * argument for the element-wise kernels (rows_map.h).
 */
#ifndef HOTPATH_ROWS_EXP_H
#define HOTPATH_ROWS_EXP_H
#include "rows_vec.h"

/*
 * e^(d + lo) for d <= 0 and a correction |lo| <= ulp(d) / 2, float32, within 1 ulp (0.8 ulp
 * measured over the reduced range, plus the correction's rounding). k = round(d / ln 2) by
 * adding 1.5 * 2^23 (the add rounds; t's low bits hold k), r = d - k ln 2 in two parts (ln2_hi
 * has 9 significant bits, so k ln2_hi and d - k ln2_hi are exact with or without FMA),
 * e^r = 1 + r + r^2 q(r) with q of degree 4 fitted for this file (Lawson-weighted least squares,
 * relative error 3.1e-9 on |r| <= 0.348), times 2^k from exponent bits. d < -87.3 (the result
 * would be below the smallest normal; also -Inf) gives 0, which the kernels' tolerances allow
 * (src/kernels/tolerance.ts: an absolute `ulp * smallest normal` on top of the relative bound);
 * NaN stays NaN.
 */
HP_INLINE hp_vf vf_exp_nonpositive(hp_vf d, hp_vf lo) {
  const float magic = 0x1.8p23f;
  hp_vf t = d * 0x1.715476p0f + magic;
  hp_vf k = t - magic;
  hp_vf r = d - k * 0x1.63p-1f;
  r = r - k * -0x1.bd0106p-13f;
  r = r + lo;
  hp_vf q = r * 0x1.6a215ep-10f + 0x1.123b96p-7f;
  q = q * r + 0x1.5558fcp-5f;
  q = q * r + 0x1.55549p-3f;
  q = q * r + 0x1.fffffcp-2f;
  hp_vf p = (r + (r * r) * q) + 1.0f;
  hp_vu bits = ((hp_vu)t + (127u - 0x4B400000u)) << 23;
  return vf_zero_where(d < vf_splat(-87.3f), p * (hp_vf)bits);
}

/*
 * The same in float64, within 1 ulp: k from 1.5 * 2^52, ln 2 in two parts (fdlibm's ln2_hi with
 * 32 significant bits and ln2_lo), e^r by its Taylor series to r^13 (truncation 4e-18 relative
 * on |r| <= 0.347), d < -708.3 gives 0.
 */
HP_INLINE hp_vd vd_exp_nonpositive(hp_vd d, hp_vd lo) {
  const double magic = 0x1.8p52;
  hp_vd t = d * 0x1.71547652b82fep0 + magic;
  hp_vd k = t - magic;
  hp_vd r = d - k * 0x1.62e42feep-1;
  r = r - k * 0x1.a39ef35793c76p-33;
  r = r + lo;
  hp_vd q = r * (1.0 / 6227020800.0) + 1.0 / 479001600.0;
  q = q * r + 1.0 / 39916800.0;
  q = q * r + 1.0 / 3628800.0;
  q = q * r + 1.0 / 362880.0;
  q = q * r + 1.0 / 40320.0;
  q = q * r + 1.0 / 5040.0;
  q = q * r + 1.0 / 720.0;
  q = q * r + 1.0 / 120.0;
  q = q * r + 1.0 / 24.0;
  q = q * r + 1.0 / 6.0;
  q = q * r + 0.5;
  hp_vd p = (r + (r * r) * q) + 1.0;
  hp_vul bits = ((hp_vul)t + (1023ull - 0x4338000000000000ull)) << 52;
  return vd_zero_where(d < vd_splat(-708.3), p * (hp_vd)bits);
}
/*
 * e^z for any float32 z, within 1 ulp: z clamped to [-104, 88.8] (NaN stays NaN: maxps/minps
 * return their second operand then), the reduction and polynomial of vf_exp_nonpositive, and
 * 2^k applied in two halves (k in [-150, 128]: each half a normal float), so the one rounding of
 * the last product gives IEEE's overflow to Infinity above 88.72 and its subnormals below -87.3.
 */
HP_INLINE hp_vf vf_exp_any(hp_vf z) {
  hp_vf zc = vf_min(vf_splat(88.8f), vf_max(vf_splat(-104.0f), z));
  const float magic = 0x1.8p23f;
  hp_vf t = zc * 0x1.715476p0f + magic;
  hp_vf k = t - magic;
  hp_vf r = zc - k * 0x1.63p-1f;
  r = r - k * -0x1.bd0106p-13f;
  hp_vf q = r * 0x1.6a215ep-10f + 0x1.123b96p-7f;
  q = q * r + 0x1.5558fcp-5f;
  q = q * r + 0x1.55549p-3f;
  q = q * r + 0x1.fffffcp-2f;
  hp_vf p = (r + (r * r) * q) + 1.0f;
  hp_vi ki = __builtin_convertvector(k, hp_vi);
  hp_vi half = ki >> 1;
  hp_vf s1 = (hp_vf)((hp_vu)(half + 127) << 23);
  hp_vf s2 = (hp_vf)((hp_vu)(ki - half + 127) << 23);
  return (p * s1) * s2;
}
#endif
