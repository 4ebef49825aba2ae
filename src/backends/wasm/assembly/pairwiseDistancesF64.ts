// pairwiseDistances, float64: a direct register-tiled kernel instead of the float32 GEMM form,
// so nothing cancels and nothing is recomputed. y is packed transposed, yt [d][mpad] (mpad a
// multiple of 4, padding zeros), with each row's squared norm; then rows of x, four at a time,
// meet four columns at a time: per feature one splat of each x value and two f64x2 loads of
// yt, and per pair a subtraction and a multiply-add (squared Euclidean), a subtraction, abs
// and add (manhattan) or a multiply-add (cosine's x.y). Each lane sums its terms in feature
// order, as ref does (bit-equal to it without fused multiply-add; the distances' terms are
// non-negative, so relative error below (d + 2) u with it). Columns go in blocks of `cols`
// so a block of yt stays in cache while every row of the range passes over it.
// Strides are in elements; pointers in bytes.

import { fma64 } from './lloydLabel';

const SQEUCLIDEAN = 0;
const EUCLIDEAN = 1;
const COSINE = 2;
const MANHATTAN = 3;

@inline function at(base: usize, rs: i32, cs: i32, r: i32, p: i32): usize {
  return base + (<usize>(r * rs + p * cs) << 3);
}

// Rows [rowStart, rowEnd) of yt's columns: column r < m gets row r of y [m, d] and norms[r]
// its squared norm summed in feature order (ref's xx); columns m..mpad - 1 get zeros.
export function distancePackF64(y: usize, yrs: i32, ycs: i32, d: i32, m: i32, yt: usize, mpad: i32, norms: usize, rowStart: i32, rowEnd: i32): void {
  for (let r = rowStart; r < rowEnd; r++) {
    let norm: f64 = 0;
    for (let p = 0; p < d; p++) {
      const v: f64 = r < m ? load<f64>(at(y, yrs, ycs, r, p)) : 0;
      norm += v * v;
      store<f64>(yt + (<usize>(p * mpad + r) << 3), v);
    }
    store<f64>(norms + (<usize>r << 3), norm);
  }
}

// One term of the metric added to acc: x (splat) against two columns c.
@inline function term(metric: i32, x: v128, c: v128, acc: v128): v128 {
  if (metric == COSINE) {
    return fma64(x, c, acc);
  }
  const diff = f64x2.sub(x, c);
  if (metric == MANHATTAN) {
    return f64x2.add(acc, f64x2.abs(diff));
  }
  return fma64(diff, diff, acc);
}

// cosine from x.y and the squared norms, as ref: a zero row is orthogonal to everything.
@inline function cosine(dot: f64, xx: f64, yy: f64): f64 {
  if (xx == 0 || yy == 0) {
    return 1;
  }
  return min<f64>(2, max<f64>(0, 1 - dot / (Math.sqrt(xx) * Math.sqrt(yy))));
}

// Stores the tile's row (two vectors: columns j..j+3) into out, finishing the metric; only
// columns below m.
@inline function storeRow(metric: i32, q: usize, a0: v128, a1: v128, xx: f64, ny: usize, j: i32, m: i32): void {
  if (metric == EUCLIDEAN) {
    a0 = f64x2.sqrt(a0);
    a1 = f64x2.sqrt(a1);
  }
  if (metric == COSINE) {
    const pn = ny + (<usize>j << 3);
    a0 = f64x2.replace_lane(a0, 0, cosine(f64x2.extract_lane(a0, 0), xx, load<f64>(pn)));
    a0 = f64x2.replace_lane(a0, 1, cosine(f64x2.extract_lane(a0, 1), xx, load<f64>(pn, 8)));
    a1 = f64x2.replace_lane(a1, 0, cosine(f64x2.extract_lane(a1, 0), xx, load<f64>(pn, 16)));
    a1 = f64x2.replace_lane(a1, 1, cosine(f64x2.extract_lane(a1, 1), xx, load<f64>(pn, 24)));
  }
  if (j + 4 <= m) {
    v128.store(q, a0);
    v128.store(q, a1, 16);
    return;
  }
  store<f64>(q, f64x2.extract_lane(a0, 0));
  if (j + 1 < m) {
    store<f64>(q, f64x2.extract_lane(a0, 1), 8);
  }
  if (j + 2 < m) {
    store<f64>(q, f64x2.extract_lane(a1, 0), 16);
  }
}

// x's squared norm in feature order (ref's xx), for cosine.
@inline function rowNorm(x: usize, xrs: i32, xcs: i32, r: i32, d: i32): f64 {
  let norm: f64 = 0;
  for (let p = 0; p < d; p++) {
    const v = load<f64>(at(x, xrs, xcs, r, p));
    norm += v * v;
  }
  return norm;
}

@inline function rows(
  metric: i32, x: usize, xrs: i32, xcs: i32, yt: usize, mpad: i32, ny: usize, m: i32, d: i32,
  out: usize, cols: i32, rowStart: i32, rowEnd: i32,
): void {
  const zero = f64x2.splat(0);
  for (let j0 = 0; j0 < m; j0 += cols) {
    const jEnd = min(m, j0 + cols);
    for (let r = rowStart; r < rowEnd; r += 4) {
      // Rows past the range repeat the last one (computed, not stored).
      const last = rowEnd - 1;
      const r1 = min(r + 1, last);
      const r2 = min(r + 2, last);
      const r3 = min(r + 3, last);
      const n0 = metric == COSINE ? rowNorm(x, xrs, xcs, r, d) : 0;
      const n1 = metric == COSINE ? rowNorm(x, xrs, xcs, r1, d) : 0;
      const n2 = metric == COSINE ? rowNorm(x, xrs, xcs, r2, d) : 0;
      const n3 = metric == COSINE ? rowNorm(x, xrs, xcs, r3, d) : 0;
      const p0 = x + (<usize>(r * xrs) << 3);
      const p1 = x + (<usize>(r1 * xrs) << 3);
      const p2 = x + (<usize>(r2 * xrs) << 3);
      const p3 = x + (<usize>(r3 * xrs) << 3);
      for (let j = j0; j < jEnd; j += 4) {
        let a00 = zero;
        let a01 = zero;
        let a10 = zero;
        let a11 = zero;
        let a20 = zero;
        let a21 = zero;
        let a30 = zero;
        let a31 = zero;
        for (let p = 0; p < d; p++) {
          const cp = yt + (<usize>(p * mpad + j) << 3);
          const c0 = v128.load(cp);
          const c1 = v128.load(cp, 16);
          const o = <usize>(p * xcs) << 3;
          const x0 = v128.load64_splat(p0 + o);
          const x1 = v128.load64_splat(p1 + o);
          const x2 = v128.load64_splat(p2 + o);
          const x3 = v128.load64_splat(p3 + o);
          a00 = term(metric, x0, c0, a00);
          a01 = term(metric, x0, c1, a01);
          a10 = term(metric, x1, c0, a10);
          a11 = term(metric, x1, c1, a11);
          a20 = term(metric, x2, c0, a20);
          a21 = term(metric, x2, c1, a21);
          a30 = term(metric, x3, c0, a30);
          a31 = term(metric, x3, c1, a31);
        }
        const q = out + ((<usize>r * <usize>m + <usize>j) << 3);
        const row = <usize>m << 3;
        storeRow(metric, q, a00, a01, n0, ny, j, m);
        if (r + 1 < rowEnd) {
          storeRow(metric, q + row, a10, a11, n1, ny, j, m);
        }
        if (r + 2 < rowEnd) {
          storeRow(metric, q + 2 * row, a20, a21, n2, ny, j, m);
        }
        if (r + 3 < rowEnd) {
          storeRow(metric, q + 3 * row, a30, a31, n3, ny, j, m);
        }
      }
    }
  }
}

// Rows [rowStart, rowEnd) of out [n, m] (row-major): metric 0 squared Euclidean, 1 Euclidean,
// 2 cosine, 3 manhattan, from x [n, d] (any strides) and yt, ny as distancePackF64 left them.
export function distanceRowsF64(
  metric: i32, x: usize, xrs: i32, xcs: i32, yt: usize, mpad: i32, ny: usize, m: i32, d: i32,
  out: usize, cols: i32, rowStart: i32, rowEnd: i32,
): void {
  // One copy of the loops per metric, each with its branches folded away.
  if (metric == SQEUCLIDEAN) {
    rows(SQEUCLIDEAN, x, xrs, xcs, yt, mpad, ny, m, d, out, cols, rowStart, rowEnd);
  } else if (metric == EUCLIDEAN) {
    rows(EUCLIDEAN, x, xrs, xcs, yt, mpad, ny, m, d, out, cols, rowStart, rowEnd);
  } else if (metric == COSINE) {
    rows(COSINE, x, xrs, xcs, yt, mpad, ny, m, d, out, cols, rowStart, rowEnd);
  } else {
    rows(MANHATTAN, x, xrs, xcs, yt, mpad, ny, m, d, out, cols, rowStart, rowEnd);
  }
}
