// sigmoid of two float64 lanes without overflow: e = exp(-|x|) <= 1, then 1 / (1 + e) for x >= 0
// and e / (1 + e) for x < 0. NaN stays NaN.
import { expF64x2 } from './exp';

@inline export function sigmoidF64x2(x: v128): v128 {
  const e = expF64x2(f64x2.neg(f64x2.abs(x)));
  const d = f64x2.add(f64x2.splat(1), e);
  const negative = f64x2.lt(x, f64x2.splat(0));
  return f64x2.div(v128.bitselect(e, f64x2.splat(1), negative), d);
}
