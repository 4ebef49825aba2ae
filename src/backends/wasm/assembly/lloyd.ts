// lloyd (one k-means step), float32 points, exact results (see src/kernels/lloyd.ts):
// - lloydPrepare: centroids transposed into ct [d][kpad] (kpad a multiple of 8, padding
//   centroids 0 with squared norm +Inf so they never win) and their float32 squared norms cn;
// - lloydAssign: per row the score |c|^2 - 2 x.c for every centroid, four rows at a time in
//   SIMD (a small GEMM), the best and second-best score per row; where they are closer than
//   the scores' rounding could explain (or not finite), every distance is recomputed in float64
//   in feature order, as the reference does, so the label is the reference's. Then w * x and w
//   are added in float64 to the row's block of sums (blocks of LLOYD_BLOCK rows, one per slot);
// - lloydCombine: block sums added in block order into the totals.
// Pointers are bytes; strides elements. Rows of x and of c are contiguous (cs = 1).

import { fma } from './exp';

const U: f32 = 5.9604644775390625e-8; // 2^-24, float32 unit roundoff
const F64_U: f32 = 1.1102230246251565e-16; // 2^-53, float64 unit roundoff
const TINY: f32 = 1.401298464324817e-45; // 2^-149, the smallest float32 step

export function lloydPrepare(c: usize, crs: i32, k: i32, d: i32, ct: usize, kpad: i32, cn: usize): void {
  for (let j = 0; j < kpad; j++) {
    let norm: f64 = 0;
    for (let p = 0; p < d; p++) {
      const v: f32 = j < k ? load<f32>(c + (<usize>(j * crs + p) << 2)) : 0;
      norm += <f64>v * <f64>v;
      store<f32>(ct + (<usize>(p * kpad + j) << 2), v);
    }
    store<f32>(cn + (<usize>j << 2), j < k ? <f32>norm : Infinity);
  }
}

// |x|^2 of a row of d float32 values, in float32 (relative error below (d + 1) u).
@inline function squaredNorm(px: usize, d: i32): f32 {
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

// Scores of rows r0..r3 (pointers) against all kpad centroids into sc [4][kpad].
@inline function scores4(r0: usize, r1: usize, r2: usize, r3: usize, d: i32, ct: usize, kpad: i32, cn: usize, sc: usize): void {
  const minusTwo = f32x4.splat(-2);
  for (let g = 0; g < kpad; g += 8) {
    let a00 = f32x4.splat(0);
    let a01 = a00;
    let a10 = a00;
    let a11 = a00;
    let a20 = a00;
    let a21 = a00;
    let a30 = a00;
    let a31 = a00;
    for (let p = 0; p < d; p++) {
      const cp = ct + (<usize>(p * kpad + g) << 2);
      const c0 = v128.load(cp);
      const c1 = v128.load(cp, 16);
      const o = <usize>p << 2;
      const x0 = v128.load32_splat(r0 + o);
      const x1 = v128.load32_splat(r1 + o);
      const x2 = v128.load32_splat(r2 + o);
      const x3 = v128.load32_splat(r3 + o);
      a00 = fma(x0, c0, a00);
      a01 = fma(x0, c1, a01);
      a10 = fma(x1, c0, a10);
      a11 = fma(x1, c1, a11);
      a20 = fma(x2, c0, a20);
      a21 = fma(x2, c1, a21);
      a30 = fma(x3, c0, a30);
      a31 = fma(x3, c1, a31);
    }
    const n0 = v128.load(cn + (<usize>g << 2));
    const n1 = v128.load(cn + (<usize>g << 2), 16);
    const row = <usize>kpad << 2;
    const q = sc + (<usize>g << 2);
    v128.store(q, fma(a00, minusTwo, n0));
    v128.store(q, fma(a01, minusTwo, n1), 16);
    v128.store(q + row, fma(a10, minusTwo, n0));
    v128.store(q + row, fma(a11, minusTwo, n1), 16);
    v128.store(q + 2 * row, fma(a20, minusTwo, n0));
    v128.store(q + 2 * row, fma(a21, minusTwo, n1), 16);
    v128.store(q + 3 * row, fma(a30, minusTwo, n0));
    v128.store(q + 3 * row, fma(a31, minusTwo, n1), 16);
  }
}

// The exact label: float64 distances in feature order, first strict minimum (NaN never wins),
// as the reference computes it, but only over the centroids whose score is within `limit`
// (not above it, NaN included): every other one is farther than the best for certain, so it
// could not be the reference's answer.
function exactLabel(px: usize, d: i32, c: usize, crs: i32, k: i32, s: usize, limit: f32): i32 {
  let best = 0;
  let bestDist: f64 = Infinity;
  for (let j = 0; j < k; j++) {
    if (load<f32>(s + (<usize>j << 2)) > limit) {
      continue;
    }
    let dist: f64 = 0;
    const pc = c + (<usize>(j * crs) << 2);
    for (let p = 0; p < d; p++) {
      const diff = <f64>load<f32>(px + (<usize>p << 2)) - <f64>load<f32>(pc + (<usize>p << 2));
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

// The label of one row from its scores (kpad of them at s).
// With bounds != 0, also writes there an upper bound on the distance to the label's centroid
// and a lower bound on the distance to every other centroid (Hamerly's bounds), from the
// scores and their rounding bound; after an exact recompute, (Infinity, 0): no claim.
function labelOf(s: usize, kpad: i32, px: usize, d: i32, c: usize, crs: i32, k: i32, maxC2: f32, maxC: f32, bounds: usize): i32 {
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
  const x2 = squaredNorm(px, d);
  // The reference's own float64 distances err by up to about (d + 2) 2^-53 (|x| + |c|)^2 (far
  // more than the score gap when |x| >> |c|), so a gap within that is settled its way too.
  const xn = Mathf.sqrt(x2);
  const reach = xn + maxC;
  const terms = <f32>(d + 2);
  // Below float32's normal range every rounding also errs by up to 2^-149 absolute: (d + 2) of
  // them per score, doubled for the gap, with margin.
  const tiny: f32 = <f32>4 * terms * TINY;
  const bound: f32 = <f32>4.5 * U * (<f32>2 * maxC2 + <f32>2 * (terms - 1) * xn * maxC) + <f32>4 * terms * F64_U * reach * reach + tiny;
  if (!(second - b > bound)) {
    if (bounds != 0) {
      store<f64>(bounds, Infinity);
      store<f64>(bounds, 0, 8);
    }
    // NaN limits (a NaN or infinite best) keep every centroid in.
    return exactLabel(px, d, c, crs, k, s, b + bound);
  }
  if (bounds != 0) {
    // |x|^2 itself is a float32 sum of d squares: relative error below (d + 1) u.
    const slack = <f64>x2 * <f64>(2 * (d + 1)) * <f64>U + <f64>tiny;
    store<f64>(bounds, Math.sqrt(<f64>x2 + slack + <f64>b + <f64>bound));
    store<f64>(bounds, Math.sqrt(max(0, <f64>x2 - slack + <f64>second - <f64>bound)), 8);
  }
  return bi;
}

// Adds w * x (float64) to the label's row of the block sums and w to its count.
@inline function accumulate(px: usize, d: i32, w: f64, sums: usize, counts: usize, label: i32, weighted: bool): void {
  const row = sums + (<usize>(label * d) << 3);
  const vw = f64x2.splat(w);
  let p = 0;
  for (; p + 4 <= d; p += 4) {
    const v = v128.load(px + (<usize>p << 2));
    let lo = f64x2.promote_low_f32x4(v);
    let hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    if (weighted) {
      lo = f64x2.mul(vw, lo);
      hi = f64x2.mul(vw, hi);
    }
    const q = row + (<usize>p << 3);
    v128.store(q, f64x2.add(v128.load(q), lo));
    v128.store(q, f64x2.add(v128.load(q, 16), hi), 16);
  }
  for (; p < d; p++) {
    const q = row + (<usize>p << 3);
    store<f64>(q, load<f64>(q) + w * <f64>load<f32>(px + (<usize>p << 2)));
  }
  const pc = counts + (<usize>label << 3);
  store<f64>(pc, load<f64>(pc) + w);
}

// The row of x named by entry e of the row list.
@inline function rowAt(x: usize, xrs: i32, list: usize, e: i32): usize {
  return x + (<usize>(load<i32>(list + (<usize>e << 2)) * xrs) << 2);
}

// Whether Hamerly's bounds (u >= distance to the hinted centroid, l <= distance to any other)
// prove the hinted centroid strictly nearest, also for the reference's float64 distances,
// which err by up to about (d + 2) 2^-53 (|x| + |c|)^2.
@inline function provenNearest(px: usize, d: i32, u: f64, l: f64, maxC: f32): bool {
  const x2 = squaredNorm(px, d);
  const reach = Math.sqrt(<f64>x2) * (1 + <f64>(d + 1) * <f64>U) + <f64>maxC;
  const margin = <f64>(4 * (d + 2)) * 1.1102230246251565e-16 * reach * reach;
  return u * u + margin < l * l;
}

// Rows [rowStart, rowEnd) of x, in blocks of `block` rows that the threads claim one at a time
// from the shared counter at `next` (an i32, zero before the call), so a thread whose blocks go
// faster (more rows proven by their bounds) takes more of them; block sums for the block
// holding row r go to slots + ((r - rowStart) / block) * slotBytes: k * d sums then k counts,
// float64, added in block order afterwards, so the claim order changes nothing. sc: this thread's score scratch, 4 * kpad floats; list: its row list, block
// ints. With hints != 0 (labels from the previous step), boundsIn (two float64 per row, valid
// for the previous centroids) and drift (float64 per centroid: how far it moved since; its
// largest at topDrift, maxDrift, and the largest of the others, secondDrift), rows whose
// widened bounds prove their hinted label keep it without computing a single distance; the
// others are scored. boundsOut (or 0) gets each row's new bounds. The sums
// are then added in row order, so the result is the same with or without hints.
export function lloydAssign(
  x: usize, xrs: i32, d: i32, w: usize, ws: i32, ct: usize, kpad: i32, cn: usize,
  c: usize, crs: i32, k: i32, maxC2: f32, maxC: f32, labels: usize,
  slots: usize, next: usize, block: i32, sc: usize, rowStart: i32, rowEnd: i32,
  hints: usize, boundsIn: usize, boundsOut: usize, list: usize,
  drift: usize, topDrift: i32, maxDrift: f64, secondDrift: f64,
): void {
  const slotBytes = <usize>(k * d + k) << 3;
  const blocks = (rowEnd - rowStart + block - 1) / block;
  for (let claimed = atomic.add<i32>(next, 1); claimed < blocks; claimed = atomic.add<i32>(next, 1)) {
    const b0 = rowStart + claimed * block;
    const b1 = min(rowEnd, b0 + block);
    const sums = slots + <usize>claimed * slotBytes;
    const counts = sums + (<usize>(k * d) << 3);
    memory.fill(sums, 0, slotBytes);
    // Rows to score.
    let count = 0;
    for (let i = b0; i < b1; i++) {
      if (hints != 0) {
        const q = boundsIn + (<usize>i << 4);
        const hinted = load<i32>(hints + (<usize>i << 2));
        if (<u32>hinted >= <u32>k) {
          // Not a label: no claim (and never an index).
          store<i32>(list + (<usize>count << 2), i);
          count++;
          continue;
        }
        // Widened by how far the centroids moved since the bounds were made (triangle
        // inequality): the upper by the hinted centroid's own move, the lower by the largest
        // move of any other; rounded outwards.
        const u = load<f64>(q) * (1 + 1e-12) + load<f64>(drift + (<usize>hinted << 3));
        const l = max(0, load<f64>(q, 8) * (1 - 1e-12) - (hinted == topDrift ? secondDrift : maxDrift));
        if (provenNearest(x + (<usize>(i * xrs) << 2), d, u, l, maxC)) {
          store<i32>(labels + (<usize>i << 2), hinted);
          if (boundsOut != 0) {
            const o = boundsOut + (<usize>i << 4);
            store<f64>(o, u);
            store<f64>(o, l, 8);
          }
          continue;
        }
      }
      store<i32>(list + (<usize>count << 2), i);
      count++;
    }
    for (let g = 0; g < count; g += 4) {
      const last = min(g + 3, count - 1);
      scores4(rowAt(x, xrs, list, g), rowAt(x, xrs, list, min(g + 1, last)), rowAt(x, xrs, list, min(g + 2, last)), rowAt(x, xrs, list, last), d, ct, kpad, cn, sc);
      for (let e = g; e <= last; e++) {
        const i = load<i32>(list + (<usize>e << 2));
        const px = x + (<usize>(i * xrs) << 2);
        const out = boundsOut == 0 ? <usize>0 : boundsOut + (<usize>i << 4);
        const label = labelOf(sc + (<usize>((e - g) * kpad) << 2), kpad, px, d, c, crs, k, maxC2, maxC, out);
        store<i32>(labels + (<usize>i << 2), label);
      }
    }
    // Sums in row order (the reference's order).
    for (let i = b0; i < b1; i++) {
      const px = x + (<usize>(i * xrs) << 2);
      const weight: f64 = w == 0 ? 1 : <f64>load<f32>(w + (<usize>(i * ws) << 2));
      accumulate(px, d, weight, sums, counts, load<i32>(labels + (<usize>i << 2)), w != 0);
    }
  }
}

// sums (k * d) and counts (k), float64, += each of `slotCount` slots, in slot order.
export function lloydCombine(slots: usize, slotCount: i32, k: i32, d: i32, sums: usize, counts: usize): void {
  const kd = k * d;
  const slotBytes = <usize>(kd + k) << 3;
  for (let s = 0; s < slotCount; s++) {
    const slot = slots + <usize>s * slotBytes;
    for (let e = 0; e < kd; e++) {
      const q = sums + (<usize>e << 3);
      store<f64>(q, load<f64>(q) + load<f64>(slot + (<usize>e << 3)));
    }
    for (let j = 0; j < k; j++) {
      const q = counts + (<usize>j << 3);
      store<f64>(q, load<f64>(q) + load<f64>(slot + (<usize>(kd + j) << 3)));
    }
  }
}
