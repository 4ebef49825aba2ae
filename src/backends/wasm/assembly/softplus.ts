// softplus of two float64 lanes: max(x, 0) + log1p(e^-|x|), log1p(t) = log(u) - ((u - 1) - t) / u
// with u = 1 + t (the correction restores what rounding u lost), so neither large x overflow
// nor x << 0 lose their small result. NaN stays NaN.
import { expF64x2 } from './exp64';
import { logF64x2 } from './log';

@inline export function softplusF64x2(x: v128): v128 {
  const t = expF64x2(f64x2.neg(f64x2.abs(x)));
  const u = f64x2.add(f64x2.splat(1), t);
  const log1p = f64x2.sub(logF64x2(u), f64x2.div(f64x2.sub(f64x2.sub(u, f64x2.splat(1)), t), u));
  return f64x2.add(f64x2.max(x, f64x2.splat(0)), log1p);
}
