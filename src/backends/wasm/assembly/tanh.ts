// tanh of two float64 lanes: t = e / (e + 2) with e = expm1(2|x|), |x| clamped to 20 (tanh is 1
// in float64 beyond 19.1), and x's sign; small |x| keep full precision through expm1.
import { expm1F64x2 } from './exp';

@inline export function tanhF64x2(x: v128): v128 {
  const a = f64x2.min(f64x2.abs(x), f64x2.splat(20));
  const e = expm1F64x2(f64x2.add(a, a));
  const t = f64x2.div(e, f64x2.add(e, f64x2.splat(2)));
  // Copy x's sign bit (also for -0 and NaN).
  const sign = v128.and(x, i64x2.splat(0x8000000000000000));
  return v128.or(t, sign);
}
