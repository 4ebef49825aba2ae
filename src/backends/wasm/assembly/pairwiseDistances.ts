// pairwiseDistances, float32. Squared Euclidean (and Euclidean, cosine) go through one GEMM on
// packed, augmented rows (see distancePack); distanceFinish then turns the GEMM result into
// distances and recomputes, directly from the inputs, every entry where the GEMM form may have
// cancelled. manhattanRows is a direct sum. Strides are in elements; pointers in bytes.

@inline function at(base: usize, rs: i32, cs: i32, r: i32, p: i32): f32 {
  return load<f32>(base + (<usize>(r * rs + p * cs) << 2));
}

// Packs rows [rowStart, rowEnd) of a [rows, d] operand into dst (row length ld = d + 2):
// side 0 (x): [x - mu, |x - mu|^2, 1]; side 1 (y): [-2 (y - mu), 1, |y - mu|^2], so that one
// GEMM of the two gives |x - mu|^2 + |y - mu|^2 - 2 (x - mu).(y - mu) = |x - y|^2. Centring on
// mu (a mean of the points) keeps points far from the origin from cancelling: x - mu is exact
// for points near mu. Side 2 (cosine): [x / |x|, 0, 0] (a zero row stays zero), and norms[r]
// is 0 for a zero row, else 1 (distanceFinish gives such pairs 1, as ref). norms[r] gets the
// float32 squared norm for side 0 and 1.
export function distancePack(
  src: usize, rs: i32, cs: i32, d: i32, mu: usize,
  dst: usize, ld: i32, norms: usize, side: i32, rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const row = dst + (<usize>(r * ld) << 2);
    let norm: f64 = 0;
    let p = 0;
    if (cs == 1 && side != 2) {
      // Contiguous rows: four features a step, the squares summed in float64 lanes.
      const from = src + (<usize>(r * rs) << 2);
      const scale = f32x4.splat(side == 1 ? -2 : 1);
      let acc0 = f64x2.splat(0);
      let acc1 = acc0;
      for (; p + 4 <= d; p += 4) {
        const v = f32x4.sub(v128.load(from + (<usize>p << 2)), v128.load(mu + (<usize>p << 2)));
        const lo = f64x2.promote_low_f32x4(v);
        const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
        acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
        acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
        v128.store(row + (<usize>p << 2), f32x4.mul(v, scale));
      }
      const acc = f64x2.add(acc0, acc1);
      norm = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    }
    for (; p < d; p++) {
      const v = side == 2 ? at(src, rs, cs, r, p) : at(src, rs, cs, r, p) - load<f32>(mu + (<usize>p << 2));
      norm += <f64>v * <f64>v;
      store<f32>(row + (<usize>p << 2), side == 1 ? v * -2 : v);
    }
    const tail = row + (<usize>d << 2);
    if (side == 2) {
      // In float64: for subnormal rows 1 / |x| overflows float32.
      const scale: f64 = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let p = 0; p < d; p++) {
        const q = row + (<usize>p << 2);
        store<f32>(q, <f32>(<f64>load<f32>(q) * scale));
      }
      store<f32>(tail, 0);
      store<f32>(tail, 0, 4);
      store<f32>(norms + (<usize>r << 2), norm == 0 ? 0 : 1);
      continue;
    }
    store<f32>(norms + (<usize>r << 2), <f32>norm);
    store<f32>(tail, side == 0 ? <f32>norm : 1);
    store<f32>(tail, side == 0 ? 1 : <f32>norm, 4);
  }
}

// sum (x_r - y_j)^2 in float64, straight from the inputs; its square root for mode 1 (taken
// in float64, so a squared distance below float32's range still gives its root).
function direct(x: usize, xrs: i32, xcs: i32, y: usize, yrs: i32, ycs: i32, d: i32, r: i32, j: i32, mode: i32): f32 {
  let sum: f64 = 0;
  for (let p = 0; p < d; p++) {
    const diff = <f64>at(x, xrs, xcs, r, p) - <f64>at(y, yrs, ycs, j, p);
    sum += diff * diff;
  }
  return <f32>(mode == 1 ? Math.sqrt(sum) : sum);
}

// Squared distances below this are recomputed whatever the GEMM says: near float32's smallest
// normal, the float32 value has lost relative precision (and its root would show it).
const SMALL: f32 = 8.673617379884035e-19; // 2^-60

// Rows [rowStart, rowEnd) of out [n, m] (row-major, holding the GEMM result) become distances.
// mode 0: squared Euclidean, 1: Euclidean, 2: cosine (out holds x.y of unit rows).
// For 0 and 1: where D < (|x|^2 + |y|^2) / 2 the GEMM's rounding (about (d + 2) eps times that
// sum) could be a large part of D, so D is recomputed directly; elsewhere its relative error
// stays below about 4 (d + 2) eps. NaN and Infinity fail the test and are recomputed (giving
// ref's NaN, or a finite Euclidean distance whose square overflowed float32). For 2: a pair
// with a zero row is 1 whatever the other row holds (NaN, Infinity), as on ref.
export function distanceFinish(
  out: usize, m: i32, mode: i32, nx: usize, ny: usize,
  x: usize, xrs: i32, xcs: i32, y: usize, yrs: i32, ycs: i32, d: i32,
  rowStart: i32, rowEnd: i32,
): void {
  const half = f32x4.splat(0.5);
  const small = f32x4.splat(SMALL);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const two = f32x4.splat(2);
  const inf = f32x4.splat(<f32>Infinity);
  for (let r = rowStart; r < rowEnd; r++) {
    const row = out + (<usize>r * <usize>m << 2);
    if (mode == 2) {
      const zeroRow = load<f32>(nx + (<usize>r << 2)) == 0;
      let j = 0;
      for (; j + 4 <= m; j += 4) {
        const q = row + (<usize>j << 2);
        const v = f32x4.min(f32x4.max(f32x4.sub(one, v128.load(q)), zero), two);
        const zeroPair = zeroRow ? i32x4.splat(-1) : f32x4.eq(v128.load(ny + (<usize>j << 2)), zero);
        v128.store(q, v128.bitselect(one, v, zeroPair));
      }
      for (; j < m; j++) {
        const q = row + (<usize>j << 2);
        store<f32>(q, zeroRow || load<f32>(ny + (<usize>j << 2)) == 0 ? 1 : min<f32>(max<f32>(1 - load<f32>(q), 0), 2));
      }
      continue;
    }
    const nr = load<f32>(nx + (<usize>r << 2));
    const vnr = f32x4.splat(nr);
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const q = row + (<usize>j << 2);
      const v = v128.load(q);
      const s = f32x4.mul(f32x4.add(vnr, v128.load(ny + (<usize>j << 2))), half);
      if (i32x4.all_true(v128.and(v128.and(f32x4.ge(v, s), f32x4.ge(v, small)), f32x4.lt(v, inf)))) {
        v128.store(q, mode == 1 ? f32x4.sqrt(v) : v);
        continue;
      }
      for (let l = 0; l < 4; l++) {
        finishOne(q + (<usize>l << 2), nr, ny + (<usize>(j + l) << 2), mode, x, xrs, xcs, y, yrs, ycs, d, r, j + l);
      }
    }
    for (; j < m; j++) {
      finishOne(row + (<usize>j << 2), nr, ny + (<usize>j << 2), mode, x, xrs, xcs, y, yrs, ycs, d, r, j);
    }
  }
}

@inline function finishOne(q: usize, nr: f32, pny: usize, mode: i32, x: usize, xrs: i32, xcs: i32, y: usize, yrs: i32, ycs: i32, d: i32, r: i32, j: i32): void {
  const v = load<f32>(q);
  if (v >= (nr + load<f32>(pny)) * 0.5 && v >= SMALL && v < <f32>Infinity) {
    store<f32>(q, mode == 1 ? Mathf.sqrt(v) : v);
  } else {
    store<f32>(q, direct(x, xrs, xcs, y, yrs, ycs, d, r, j, mode));
  }
}

// out[r, j] = sum |x_r - y_j| for rows [rowStart, rowEnd): four float32 lanes of partial sums
// (positive terms: relative error at most d/4 eps) added in float64, when both rows are
// contiguous; float64 scalar sums otherwise.
export function manhattanRows(
  x: usize, xrs: i32, xcs: i32, y: usize, yrs: i32, ycs: i32, out: usize, m: i32, d: i32,
  rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const orow = out + (<usize>r * <usize>m << 2);
    for (let j = 0; j < m; j++) {
      let sum: f64 = 0;
      let p = 0;
      if (xcs == 1 && ycs == 1) {
        const px = x + (<usize>(r * xrs) << 2);
        const py = y + (<usize>(j * yrs) << 2);
        let acc = f32x4.splat(0);
        for (; p + 4 <= d; p += 4) {
          acc = f32x4.add(acc, f32x4.abs(f32x4.sub(v128.load(px + (<usize>p << 2)), v128.load(py + (<usize>p << 2)))));
        }
        sum = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
      }
      for (; p < d; p++) {
        sum += Math.abs(<f64>at(x, xrs, xcs, r, p) - <f64>at(y, yrs, ycs, j, p));
      }
      store<f32>(orow + (<usize>j << 2), <f32>sum);
    }
  }
}

// The entries matmulDistance listed (pairs i, j of i32 at list), recomputed directly (mode 0
// squared, 1 Euclidean) into out [n, m].
export function distanceFixList(
  out: usize, m: i32, mode: i32, list: usize, count: i32,
  x: usize, xrs: i32, xcs: i32, y: usize, yrs: i32, ycs: i32, d: i32,
): void {
  for (let e = 0; e < count; e++) {
    const i = load<i32>(list + (<usize>e << 3));
    const j = load<i32>(list + (<usize>e << 3), 4);
    store<f32>(out + ((<usize>i * <usize>m + <usize>j) << 2), direct(x, xrs, xcs, y, yrs, ycs, d, i, j, mode));
  }
}
