// sin and cos of two float64 lanes, to about 1 ulp for |x| < 2^19 pi: k = round(x 2 / pi), and
// r = x - k pi/2 in three parts (fdlibm's pio2_1, pio2_2, pio2_3 with their tails, each with
// low zero bits so k times it is exact for |k| < 2^20), then Taylor series on |r| <= pi/4 (sin
// to r^17, cos to r^18: truncation below 0.001 ulp) and the quadrant k mod 4. Lanes beyond
// that range, and Infinity / NaN, go through the scalar Math.sin / Math.cos of AssemblyScript's
// standard library, which reduces any argument.

const PIO2_1: f64 = 1.57079632673412561417e+00;
const PIO2_2: f64 = 6.07710050630396597660e-11;
const PIO2_3: f64 = 2.02226624871116645580e-21;
const PIO2_3T: f64 = 8.47842766036889956997e-32;
const TWO_OVER_PI: f64 = 6.36619772367581382433e-01;
const MAGIC: f64 = 6755399441055744.0; // 1.5 * 2^52
const LIMIT: f64 = 823549.6; // 2^19 pi / 2

// sin r and cos r for |r| <= pi/4 (Taylor coefficients 1/n!, alternating).
@inline function sinPoly(r: v128, z: v128): v128 {
  let p = f64x2.splat(1.0 / 355687428096000);
  p = f64x2.sub(f64x2.mul(p, z), f64x2.splat(1.0 / 1307674368000));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 6227020800));
  p = f64x2.sub(f64x2.mul(p, z), f64x2.splat(1.0 / 39916800));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 362880));
  p = f64x2.sub(f64x2.mul(p, z), f64x2.splat(1.0 / 5040));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 120));
  p = f64x2.sub(f64x2.mul(p, z), f64x2.splat(1.0 / 6));
  // r + r z p: the small part is added last.
  return f64x2.add(r, f64x2.mul(f64x2.mul(r, z), p));
}

@inline function cosPoly(z: v128): v128 {
  let p = f64x2.splat(-1.0 / 6402373705728000);
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 20922789888000));
  p = f64x2.sub(f64x2.mul(p, z), f64x2.splat(1.0 / 87178291200));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 479001600));
  p = f64x2.sub(f64x2.mul(p, z), f64x2.splat(1.0 / 3628800));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 40320));
  p = f64x2.sub(f64x2.mul(p, z), f64x2.splat(1.0 / 720));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 24));
  // 1 - z/2 + z^2 p: 1 - z/2 rounds once, then the small part.
  const half = f64x2.mul(z, f64x2.splat(0.5));
  const w = f64x2.sub(f64x2.splat(1), half);
  return f64x2.add(w, f64x2.add(f64x2.sub(f64x2.sub(f64x2.splat(1), w), half), f64x2.mul(f64x2.mul(z, z), p)));
}

// shift 0: sin, 1: cos (cos x = sin(x + pi/2): quadrant + 1).
@inline function sinCos(x: v128, shift: i64): v128 {
  const ax = f64x2.abs(x);
  // Not (|x| < LIMIT) also catches NaN.
  if (v128.any_true(v128.not(f64x2.lt(ax, f64x2.splat(LIMIT))))) {
    const a = f64x2.extract_lane(x, 0);
    const b = f64x2.extract_lane(x, 1);
    return shift == 0 ? f64x2.replace_lane(f64x2.splat(Math.sin(a)), 1, Math.sin(b)) : f64x2.replace_lane(f64x2.splat(Math.cos(a)), 1, Math.cos(b));
  }
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(TWO_OVER_PI)), f64x2.splat(MAGIC));
  const kf = f64x2.sub(t, f64x2.splat(MAGIC));
  let r = f64x2.sub(x, f64x2.mul(kf, f64x2.splat(PIO2_1)));
  r = f64x2.sub(r, f64x2.mul(kf, f64x2.splat(PIO2_2)));
  r = f64x2.sub(r, f64x2.mul(kf, f64x2.splat(PIO2_3)));
  r = f64x2.sub(r, f64x2.mul(kf, f64x2.splat(PIO2_3T)));
  const q = i64x2.add(i64x2.sub(t, i64x2.splat(reinterpret<i64>(MAGIC))), i64x2.splat(shift));
  const z = f64x2.mul(r, r);
  const s = sinPoly(r, z);
  const c = cosPoly(z);
  // Quadrant q mod 4: sin r, cos r, -sin r, -cos r.
  const odd = i64x2.ne(v128.and(q, i64x2.splat(1)), i64x2.splat(0));
  const flip = i64x2.shl(v128.and(q, i64x2.splat(2)), 62);
  return v128.xor(v128.bitselect(c, s, odd), flip);
}

@inline export function sinF64x2(x: v128): v128 {
  return sinCos(x, 0);
}

@inline export function cosF64x2(x: v128): v128 {
  return sinCos(x, 1);
}
