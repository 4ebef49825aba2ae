// exp for four float32 lanes, for arguments <= 0 (softmax shifts by the max), to about 1 ulp:
// k = round(d / ln 2), r = d - k ln 2 in two parts (Cody-Waite), e^r by its Taylor series to
// r^7 (|r| <= 0.35: the truncation is below 0.1 ulp), then times 2^k built from exponent
// bits in two halves so results down to the subnormals round once. d < -104 gives 0 (below
// half the smallest subnormal); NaN stays NaN.

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

@inline function pow2(k: v128): v128 {
  // 2^k for k in [-75, 0]: exponent bits (k + 127) << 23.
  return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
}

@inline export function expNonPositive(d: v128): v128 {
  const x = f32x4.max(d, f32x4.splat(-104));
  // f32x4.max drops NaN? No: wasm max propagates NaN, so NaN lanes stay NaN here.
  const kf = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(kf, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(kf, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.0 / 5040);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 720));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  const k = i32x4.trunc_sat_f32x4_s(kf);
  const k1 = i32x4.shr_s(k, 1);
  const k2 = i32x4.sub(k, k1);
  return f32x4.mul(f32x4.mul(p, pow2(k1)), pow2(k2));
}
