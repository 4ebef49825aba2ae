// lloyd's label of one row from its scores |c|^2 - 2 x.c (see lloyd.ts), for each dtype: the
// smallest score, its lowest index and the runner-up, in SIMD; where the gap between them is
// within what the scores' rounding could explain (or not finite), the label is recomputed
// from float64 distances as the reference computes them (exactLabel), so it is the
// reference's label bit for bit. With bounds != 0, also writes there Hamerly's bounds (an
// upper bound on the distance to the label's centroid, a lower bound on the distance to every
// other centroid) from the scores and their rounding bound; after a recompute, (Infinity, 0).

import { fma } from './exp';

const U: f32 = 5.9604644775390625e-8; // 2^-24, float32 unit roundoff
export const F64_U: f64 = 1.1102230246251565e-16; // 2^-53, float64 unit roundoff
const TINY: f32 = 1.401298464324817e-45; // 2^-149, the smallest float32 step
export const F64_TINY: f64 = 4.9406564584124654e-324; // 2^-1074, the smallest float64 step

// a * b + c on two float64 lanes: fused where the relaxed-SIMD build allows it, else mul + add.
@inline export function fma64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f64x2.relaxed_madd(a, b, c);
  } else {
    return f64x2.add(f64x2.mul(a, b), c);
  }
}

// |x|^2 of a row of d float32 values, in float32 (relative error below (d + 1) u).
@inline export function squaredNorm32(px: usize, d: i32): f32 {
  let xx = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= d; p += 4) {
    const v = v128.load(px + (<usize>p << 2));
    xx = fma(v, v, xx);
  }
  let x2 = f32x4.extract_lane(xx, 0) + f32x4.extract_lane(xx, 1) + f32x4.extract_lane(xx, 2) + f32x4.extract_lane(xx, 3);
  for (; p < d; p++) {
    const v = load<f32>(px + (<usize>p << 2));
    x2 += v * v;
  }
  return x2;
}

// |x|^2 of a row of d float64 values (relative error below (d + 1) u).
@inline export function squaredNorm64(px: usize, d: i32): f64 {
  let xx = f64x2.splat(0);
  let p = 0;
  for (; p + 2 <= d; p += 2) {
    const v = v128.load(px + (<usize>p << 3));
    xx = fma64(v, v, xx);
  }
  let x2 = f64x2.extract_lane(xx, 0) + f64x2.extract_lane(xx, 1);
  for (; p < d; p++) {
    const v = load<f64>(px + (<usize>p << 3));
    x2 += v * v;
  }
  return x2;
}

// The exact label: float64 distances in feature order, first strict minimum (NaN never wins),
// as the reference computes it, but only over the centroids whose score is within `limit`
// (not above it, NaN included): every other one is farther than the best for certain, so it
// could not be the reference's answer. T: the element type of x and c (scores are T too).
function exactLabel<T>(px: usize, d: i32, c: usize, crs: i32, k: i32, s: usize, limit: T): i32 {
  let best = 0;
  let bestDist: f64 = Infinity;
  for (let j = 0; j < k; j++) {
    if (load<T>(s + <usize>j * sizeof<T>()) > limit) {
      continue;
    }
    let dist: f64 = 0;
    const pc = c + <usize>(j * crs) * sizeof<T>();
    for (let p = 0; p < d; p++) {
      const diff = <f64>load<T>(px + <usize>p * sizeof<T>()) - <f64>load<T>(pc + <usize>p * sizeof<T>());
      dist += diff * diff;
    }
    if (dist < bestDist) {
      bestDist = dist;
      best = j;
    }
  }
  return best;
}

// The smallest of four lanes, in every lane.
@inline function lanesMin(v: v128): v128 {
  const m = f32x4.pmin(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.pmin(m, i32x4.shuffle(m, m, 1, 0, 3, 2));
}

// The label of a float32 row from its kpad float32 scores at s.
export function labelOf32(s: usize, kpad: i32, px: usize, d: i32, c: usize, crs: i32, k: i32, maxC2: f32, maxC: f32, bounds: usize): i32 {
  let best1 = f32x4.splat(Infinity);
  let best2 = best1;
  let idx = i32x4.splat(0);
  let lane = i32x4(0, 1, 2, 3);
  const four = i32x4.splat(4);
  for (let j = 0; j < kpad; j += 4) {
    const v = v128.load(s + (<usize>j << 2));
    const lt = f32x4.lt(v, best1);
    best2 = f32x4.pmin(best2, f32x4.pmax(best1, v));
    idx = v128.bitselect(lane, idx, lt);
    best1 = f32x4.pmin(best1, v);
    lane = i32x4.add(lane, four);
  }
  // Across the four lanes, without branches (their outcomes are data-dependent and were
  // mispredicted often enough to halve the speed): the smallest best, its lowest index, and
  // the runner-up (that lane's second best or another lane's best). Indices differ mod 4, so
  // one lane holds bi.
  const top = lanesMin(best1);
  const b = f32x4.extract_lane(top, 0);
  const candidates = v128.bitselect(idx, i32x4.splat(i32.MAX_VALUE), f32x4.eq(best1, top));
  const lowest = i32x4.min_s(candidates, i32x4.shuffle(candidates, candidates, 2, 3, 0, 1));
  const bi = min(i32x4.extract_lane(lowest, 0), i32x4.extract_lane(lowest, 1));
  const own = i32x4.eq(idx, i32x4.splat(bi));
  const second = f32x4.extract_lane(lanesMin(v128.bitselect(best2, best1, own)), 0);
  // |x| for the rounding bound: scores err by at most u (2 |c|^2 + 2 (d + 1) |x| |c|) each;
  // the bound doubles that for the gap between two of them, with margin.
  const x2 = squaredNorm32(px, d);
  // The reference's own float64 distances err by up to about (d + 2) 2^-53 (|x| + |c|)^2 (far
  // more than the score gap when |x| >> |c|), so a gap within that is settled its way too.
  const xn = Mathf.sqrt(x2);
  const reach = xn + maxC;
  const terms = <f32>(d + 2);
  // Below float32's normal range every rounding also errs by up to 2^-149 absolute: (d + 2) of
  // them per score, doubled for the gap, with margin.
  const tiny: f32 = <f32>4 * terms * TINY;
  const bound: f32 = <f32>4.5 * U * (<f32>2 * maxC2 + <f32>2 * (terms - 1) * xn * maxC) + <f32>4 * terms * <f32>F64_U * reach * reach + tiny;
  if (!(second - b > bound)) {
    if (bounds != 0) {
      store<f64>(bounds, Infinity);
      store<f64>(bounds, 0, 8);
    }
    // NaN limits (a NaN or infinite best) keep every centroid in.
    return exactLabel<f32>(px, d, c, crs, k, s, b + bound);
  }
  if (bounds != 0) {
    // |x|^2 itself is a float32 sum of d squares: relative error below (d + 1) u.
    const slack = <f64>x2 * <f64>(2 * (d + 1)) * <f64>U + <f64>tiny;
    store<f64>(bounds, Math.sqrt(<f64>x2 + slack + <f64>b + <f64>bound));
    store<f64>(bounds, Math.sqrt(max(0, <f64>x2 - slack + <f64>second - <f64>bound)), 8);
  }
  return bi;
}

// The label of a float64 row from its kpad float64 scores at s (two lanes, as labelOf32).
export function labelOf64(s: usize, kpad: i32, px: usize, d: i32, c: usize, crs: i32, k: i32, maxC2: f64, maxC: f64, bounds: usize): i32 {
  let best1 = f64x2.splat(Infinity);
  let best2 = best1;
  let idx = i64x2.splat(0);
  let lane = i64x2(0, 1);
  const two = i64x2.splat(2);
  for (let j = 0; j < kpad; j += 2) {
    const v = v128.load(s + (<usize>j << 3));
    const lt = f64x2.lt(v, best1);
    best2 = f64x2.pmin(best2, f64x2.pmax(best1, v));
    idx = v128.bitselect(lane, idx, lt);
    best1 = f64x2.pmin(best1, v);
    lane = i64x2.add(lane, two);
  }
  // Across the two lanes (selects, not branches): the smaller best, the lower index on a tie
  // (the lanes' indices differ), and the runner-up: the other lane's best or this lane's second.
  const b0 = f64x2.extract_lane(best1, 0);
  const b1 = f64x2.extract_lane(best1, 1);
  const i0 = <i32>i64x2.extract_lane(idx, 0);
  const i1 = <i32>i64x2.extract_lane(idx, 1);
  const one = b1 < b0 || (b1 == b0 && i1 < i0);
  const b = select<f64>(b1, b0, one);
  const bi = select<i32>(i1, i0, one);
  const second = select<f64>(min(b0, f64x2.extract_lane(best2, 1)), min(b1, f64x2.extract_lane(best2, 0)), one);
  // Each score errs by at most about (d + 1) u (|c|^2 + 2 |x| |c|) (cn and x.c are sums of d
  // products, then one more rounding); the bound doubles that for the gap, with margin, plus
  // twice the reference's own error, (d + 2) u (|x| + |c|)^2 per distance, with margin, plus
  // 2^-1074 per rounding below the normal range. Any overflow makes the bound Infinity, so
  // such rows are recomputed.
  const x2 = squaredNorm64(px, d);
  const xn = Math.sqrt(x2);
  const reach = xn + maxC;
  const terms = <f64>(d + 2);
  const tiny = 8 * terms * F64_TINY;
  const bound = 4.5 * terms * F64_U * (maxC2 + 2 * xn * maxC) + 4 * terms * F64_U * reach * reach + tiny;
  if (!(second - b > bound)) {
    if (bounds != 0) {
      store<f64>(bounds, Infinity);
      store<f64>(bounds, 0, 8);
    }
    return exactLabel<f64>(px, d, c, crs, k, s, b + bound);
  }
  if (bounds != 0) {
    // |x|^2 errs by up to (d + 1) u |x|^2; the sums below round by a few u of their largest
    // term, which the bound's (|x| + |c|)^2 term covers several times over.
    const slack = x2 * <f64>(2 * (d + 1)) * F64_U + tiny;
    store<f64>(bounds, Math.sqrt(x2 + slack + b + bound));
    store<f64>(bounds, Math.sqrt(max(0, x2 - slack + second - bound)), 8);
  }
  return bi;
}
