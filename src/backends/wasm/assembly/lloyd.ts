// lloyd (one k-means step), exact results (see src/kernels/lloyd.ts), for float32 points
// (lloydPrepare, lloydAssign) and float64 points (lloydPrepareF64, lloydAssignF64), one
// generic body each (T: the element type of x, c and the weights):
// - prepare: centroids transposed into ct [d][kpad] (kpad a multiple of 8, padding centroids
//   0 with squared norm +Inf so they never win) and their squared norms cn, as T;
// - assign: per row the score |c|^2 - 2 x.c for every centroid, four rows at a time in SIMD
//   (a small GEMM), then the label from the scores (lloydLabel.ts: near-ties recomputed in
//   float64 in feature order, as the reference does, so the label is the reference's). Then
//   w * x and w are added in float64 to the row's block of sums (blocks of LLOYD_BLOCK rows,
//   one per slot);
// - lloydCombine: block sums added in block order into the totals (float64 for both).
// Pointers are bytes; strides elements. Rows of x and of c are contiguous (cs = 1).

import { fma } from './exp';
import { F64_TINY, F64_U, fma64, labelOf32, labelOf64, squaredNorm32, squaredNorm64 } from './lloydLabel';

const U: f64 = 5.9604644775390625e-8; // 2^-24, float32 unit roundoff

@inline function madd<T>(a: v128, b: v128, c: v128): v128 {
  return sizeof<T>() == 4 ? fma(a, b, c) : fma64(a, b, c);
}

@inline function splatLoad<T>(ptr: usize): v128 {
  return sizeof<T>() == 4 ? v128.load32_splat(ptr) : v128.load64_splat(ptr);
}

@inline function prepare<T>(c: usize, crs: i32, k: i32, d: i32, ct: usize, kpad: i32, cn: usize): void {
  for (let j = 0; j < kpad; j++) {
    let norm: f64 = 0;
    for (let p = 0; p < d; p++) {
      const v: T = j < k ? load<T>(c + <usize>(j * crs + p) * sizeof<T>()) : <T>0;
      norm += <f64>v * <f64>v;
      store<T>(ct + <usize>(p * kpad + j) * sizeof<T>(), v);
    }
    store<T>(cn + <usize>j * sizeof<T>(), j < k ? <T>norm : <T>Infinity);
  }
}

export function lloydPrepare(c: usize, crs: i32, k: i32, d: i32, ct: usize, kpad: i32, cn: usize): void {
  prepare<f32>(c, crs, k, d, ct, kpad, cn);
}

export function lloydPrepareF64(c: usize, crs: i32, k: i32, d: i32, ct: usize, kpad: i32, cn: usize): void {
  prepare<f64>(c, crs, k, d, ct, kpad, cn);
}

// Scores of rows r0..r3 (pointers) against all kpad centroids into sc [4][kpad], 2 vectors of
// centroids at a time (8 float32 or 4 float64).
@inline function scores4<T>(r0: usize, r1: usize, r2: usize, r3: usize, d: i32, ct: usize, kpad: i32, cn: usize, sc: usize): void {
  const size = <usize>sizeof<T>();
  const minusTwo = sizeof<T>() == 4 ? f32x4.splat(-2) : f64x2.splat(-2);
  const group = 32 / <i32>sizeof<T>();
  for (let g = 0; g < kpad; g += group) {
    let a00 = f32x4.splat(0);
    let a01 = a00;
    let a10 = a00;
    let a11 = a00;
    let a20 = a00;
    let a21 = a00;
    let a30 = a00;
    let a31 = a00;
    for (let p = 0; p < d; p++) {
      const cp = ct + <usize>(p * kpad + g) * size;
      const c0 = v128.load(cp);
      const c1 = v128.load(cp, 16);
      const o = <usize>p * size;
      const x0 = splatLoad<T>(r0 + o);
      const x1 = splatLoad<T>(r1 + o);
      const x2 = splatLoad<T>(r2 + o);
      const x3 = splatLoad<T>(r3 + o);
      a00 = madd<T>(x0, c0, a00);
      a01 = madd<T>(x0, c1, a01);
      a10 = madd<T>(x1, c0, a10);
      a11 = madd<T>(x1, c1, a11);
      a20 = madd<T>(x2, c0, a20);
      a21 = madd<T>(x2, c1, a21);
      a30 = madd<T>(x3, c0, a30);
      a31 = madd<T>(x3, c1, a31);
    }
    const n0 = v128.load(cn + <usize>g * size);
    const n1 = v128.load(cn + <usize>g * size, 16);
    const row = <usize>kpad * size;
    const q = sc + <usize>g * size;
    v128.store(q, madd<T>(a00, minusTwo, n0));
    v128.store(q, madd<T>(a01, minusTwo, n1), 16);
    v128.store(q + row, madd<T>(a10, minusTwo, n0));
    v128.store(q + row, madd<T>(a11, minusTwo, n1), 16);
    v128.store(q + 2 * row, madd<T>(a20, minusTwo, n0));
    v128.store(q + 2 * row, madd<T>(a21, minusTwo, n1), 16);
    v128.store(q + 3 * row, madd<T>(a30, minusTwo, n0));
    v128.store(q + 3 * row, madd<T>(a31, minusTwo, n1), 16);
  }
}

// Adds w * x (float64) to the label's row of the block sums and w to its count.
@inline function accumulate<T>(px: usize, d: i32, w: f64, sums: usize, counts: usize, label: i32, weighted: bool): void {
  const row = sums + (<usize>(label * d) << 3);
  const vw = f64x2.splat(w);
  let p = 0;
  if (sizeof<T>() == 4) {
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
  } else {
    for (; p + 2 <= d; p += 2) {
      let v = v128.load(px + (<usize>p << 3));
      if (weighted) {
        v = f64x2.mul(vw, v);
      }
      const q = row + (<usize>p << 3);
      v128.store(q, f64x2.add(v128.load(q), v));
    }
  }
  for (; p < d; p++) {
    const q = row + (<usize>p << 3);
    store<f64>(q, load<f64>(q) + w * <f64>load<T>(px + <usize>p * sizeof<T>()));
  }
  const pc = counts + (<usize>label << 3);
  store<f64>(pc, load<f64>(pc) + w);
}

// Row i of x, or with an offset (offset != 0: d values of T) row i + offset centred into `buf`
// (d values of T), each value rounded to T as the add kernel stores it, and buf returned.
@inline function rowOf<T>(x: usize, xrs: i32, i: i32, offset: usize, d: i32, buf: usize): usize {
  const px = x + <usize>(i * xrs) * sizeof<T>();
  if (offset == 0) {
    return px;
  }
  let p = 0;
  const lanes = 16 / <i32>sizeof<T>();
  for (; p + lanes <= d; p += lanes) {
    const o = <usize>p * sizeof<T>();
    const v = sizeof<T>() == 4 ? f32x4.add(v128.load(px + o), v128.load(offset + o)) : f64x2.add(v128.load(px + o), v128.load(offset + o));
    v128.store(buf + o, v);
  }
  for (; p < d; p++) {
    const o = <usize>p * sizeof<T>();
    store<T>(buf + o, load<T>(px + o) + load<T>(offset + o));
  }
  return buf;
}

// The row named by entry e of the row list (centred into buf with an offset).
@inline function rowAt<T>(x: usize, xrs: i32, list: usize, e: i32, offset: usize, d: i32, buf: usize): usize {
  return rowOf<T>(x, xrs, load<i32>(list + (<usize>e << 2)), offset, d, buf);
}

// Whether Hamerly's bounds (u >= distance to the hinted centroid, l <= distance to any other)
// prove the hinted centroid strictly nearest, also for the reference's float64 distances,
// which err by up to about (d + 2) 2^-53 (|x| + |c|)^2, plus 2^-1074 per rounding below the
// normal range.
@inline function provenNearest<T>(px: usize, d: i32, u: f64, l: f64, maxC: f64): bool {
  const x2: f64 = sizeof<T>() == 4 ? <f64>squaredNorm32(px, d) : squaredNorm64(px, d);
  const unit: f64 = sizeof<T>() == 4 ? U : F64_U;
  const reach = Math.sqrt(x2) * (1 + <f64>(d + 1) * unit) + maxC;
  const margin = <f64>(4 * (d + 2)) * F64_U * reach * reach + <f64>(8 * (d + 2)) * F64_TINY;
  return u * u + margin < l * l;
}

// Rows [rowStart, rowEnd) of x, in blocks of `block` rows that the threads claim one at a time
// from the shared counter at `next` (an i32, zero before the call), so a thread whose blocks go
// faster (more rows proven by their bounds) takes more of them; block sums for the block
// holding row r go to slots + ((r - rowStart) / block) * slotBytes: k * d sums then k counts,
// float64, added in block order afterwards, so the claim order changes nothing. sc: this
// thread's score scratch, 4 * kpad T; list: its row list, block ints. With hints != 0 (labels
// from the previous step), boundsIn (two float64 per row, valid for the previous centroids)
// and drift (float64 per centroid: how far it moved since; its largest at topDrift, maxDrift,
// and the largest of the others, secondDrift), rows whose widened bounds prove their hinted
// label keep it without computing a single distance; the others are scored. boundsOut (or 0)
// gets each row's new bounds. The sums are then added in row order, so the result is the same
// with or without hints. maxC2, maxC: the largest squared centroid norm (from cn) and its root.
// offset (or 0): d values of T added to every row as it is read (rowOf), so the step runs on
// x + offset without a centred copy of x; rows: this thread's 4 * d values of T for those rows.
@inline function assign<T>(
  x: usize, xrs: i32, d: i32, w: usize, ws: i32, ct: usize, kpad: i32, cn: usize,
  c: usize, crs: i32, k: i32, maxC2: f64, maxC: f64, labels: usize,
  slots: usize, next: usize, block: i32, sc: usize, rowStart: i32, rowEnd: i32,
  hints: usize, boundsIn: usize, boundsOut: usize, list: usize,
  drift: usize, topDrift: i32, maxDrift: f64, secondDrift: f64, offset: usize, rows: usize,
): void {
  const size = <usize>sizeof<T>();
  const rowBytes = <usize>d * size;
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
        if (provenNearest<T>(rowOf<T>(x, xrs, i, offset, d, rows), d, u, l, maxC)) {
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
      const p0 = rowAt<T>(x, xrs, list, g, offset, d, rows);
      const p1 = rowAt<T>(x, xrs, list, min(g + 1, last), offset, d, rows + rowBytes);
      const p2 = rowAt<T>(x, xrs, list, min(g + 2, last), offset, d, rows + 2 * rowBytes);
      const p3 = rowAt<T>(x, xrs, list, last, offset, d, rows + 3 * rowBytes);
      scores4<T>(p0, p1, p2, p3, d, ct, kpad, cn, sc);
      for (let e = g; e <= last; e++) {
        const i = load<i32>(list + (<usize>e << 2));
        const px = e == g ? p0 : e == g + 1 ? p1 : e == g + 2 ? p2 : p3;
        const out: usize = boundsOut == 0 ? 0 : boundsOut + (<usize>i << 4);
        const s = sc + <usize>((e - g) * kpad) * size;
        const label = sizeof<T>() == 4
          ? labelOf32(s, kpad, px, d, c, crs, k, <f32>maxC2, <f32>maxC, out)
          : labelOf64(s, kpad, px, d, c, crs, k, maxC2, maxC, out);
        store<i32>(labels + (<usize>i << 2), label);
      }
    }
    // Sums in row order (the reference's order).
    for (let i = b0; i < b1; i++) {
      const px = rowOf<T>(x, xrs, i, offset, d, rows);
      const weight: f64 = w == 0 ? 1 : <f64>load<T>(w + <usize>(i * ws) * size);
      accumulate<T>(px, d, weight, sums, counts, load<i32>(labels + (<usize>i << 2)), w != 0);
    }
  }
}

export function lloydAssign(
  x: usize, xrs: i32, d: i32, w: usize, ws: i32, ct: usize, kpad: i32, cn: usize,
  c: usize, crs: i32, k: i32, maxC2: f64, maxC: f64, labels: usize,
  slots: usize, next: usize, block: i32, sc: usize, rowStart: i32, rowEnd: i32,
  hints: usize, boundsIn: usize, boundsOut: usize, list: usize,
  drift: usize, topDrift: i32, maxDrift: f64, secondDrift: f64, offset: usize, rows: usize,
): void {
  assign<f32>(x, xrs, d, w, ws, ct, kpad, cn, c, crs, k, maxC2, maxC, labels, slots, next, block, sc, rowStart, rowEnd, hints, boundsIn, boundsOut, list, drift, topDrift, maxDrift, secondDrift, offset, rows);
}

export function lloydAssignF64(
  x: usize, xrs: i32, d: i32, w: usize, ws: i32, ct: usize, kpad: i32, cn: usize,
  c: usize, crs: i32, k: i32, maxC2: f64, maxC: f64, labels: usize,
  slots: usize, next: usize, block: i32, sc: usize, rowStart: i32, rowEnd: i32,
  hints: usize, boundsIn: usize, boundsOut: usize, list: usize,
  drift: usize, topDrift: i32, maxDrift: f64, secondDrift: f64, offset: usize, rows: usize,
): void {
  assign<f64>(x, xrs, d, w, ws, ct, kpad, cn, c, crs, k, maxC2, maxC, labels, slots, next, block, sc, rowStart, rowEnd, hints, boundsIn, boundsOut, list, drift, topDrift, maxDrift, secondDrift, offset, rows);
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
