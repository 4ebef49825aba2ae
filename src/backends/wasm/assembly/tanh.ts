// tanh of two float64 lanes: t = e / (e + 2) with e = expm1(2|x|), |x| clamped to 20 (tanh is 1
// in float64 beyond 19.1), and x's sign; small |x| keep full precision through expm1.
import { expm1F64x2 } from './exp64';
import { fma, polyF32, reduceF32 } from './exp';

@inline export function tanhF64x2(x: v128): v128 {
  const a = f64x2.min(f64x2.abs(x), f64x2.splat(20));
  const e = expm1F64x2(f64x2.add(a, a));
  const t = f64x2.div(e, f64x2.add(e, f64x2.splat(2)));
  // Copy x's sign bit (also for -0 and NaN).
  const sign = v128.and(x, i64x2.splat(0x8000000000000000));
  return v128.or(t, sign);
}

// tanh of four float32 lanes, the same way (about 1 ulp): z = 2 min(|x|, 9.1), n and r as in
// exp.ts, e = e^z - 1 = (2^n - 1) + 2^n r P(r) (2^n - 1 is exact and 0 for n = 0, so small |x|
// keep full relative precision, down to subnormal x, which come back unchanged), tanh|x| =
// e / (e + 2), then x's sign bit (-0 stays -0, NaN stays NaN, +-Inf give +-1).
@inline export function tanhF32x4(
  x: v128, log2e: v128, magic: v128, nln2hi: v128, nln2lo: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, one: v128, abs: v128, clamp: v128, two: v128,
): v128 {
  // pmin(a, clamp) = clamp < a ? clamp : a keeps a NaN a.
  const a = f32x4.pmin(v128.and(x, abs), clamp);
  const z = f32x4.add(a, a);
  const t = fma(z, log2e, magic);
  const r = reduceF32(z, t, magic, nln2hi, nln2lo);
  const s = i32x4.shl(t, 23);
  const e = fma(f32x4.mul(r, s), polyF32(r, c5, c4, c3, c2, c1, one), f32x4.sub(s, one));
  const y = f32x4.div(e, f32x4.add(e, two));
  return v128.or(y, v128.andnot(x, abs));
}
