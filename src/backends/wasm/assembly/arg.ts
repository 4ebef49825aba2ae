// argMax / argMin: the int64 index of the max (min) along one axis (n elements at stride as)
// for each output, whose base is given by its 2-d index over the other dims (k1 columns,
// strides ks0, ks1). Strides are in elements. The reference's rule: strictly better moves the
// index, NaN beats every number and nothing beats NaN, -0 ties +0; a tie moves to the later
// index only with `last` (selectLastIndex).

// Lanes of v that replace the running best (b), as the rule above says.
@inline function takes(largest: i32, last: i32, v: v128, b: v128): v128 {
  const vNaN = f32x4.ne(v, v);
  const bNaN = f32x4.ne(b, b);
  const strict = largest ? f32x4.gt(v, b) : f32x4.lt(v, b);
  const better = v128.andnot(v128.or(strict, vNaN), bNaN);
  if (!last) {
    return better;
  }
  return v128.or(better, v128.or(f32x4.eq(v, b), v128.and(vNaN, bNaN)));
}

@inline function takesScalar<T>(largest: i32, last: i32, v: T, b: T): bool {
  const vNaN = v != v;
  const bNaN = b != b;
  if (!bNaN && (vNaN || (largest ? v > b : v < b))) {
    return true;
  }
  return last != 0 && (v == b || (vNaN && bNaN));
}

export function argLines(largest: i32, last: i32, x: usize, k1: i32, ks0: i32, ks1: i32, n: i32, as: i32, y: usize, rowStart: i32, rowEnd: i32): void {
  for (let o = rowStart; o < rowEnd; o++) {
    const base = x + (<usize>((o / k1) * ks0 + (o % k1) * ks1) << 2);
    if (ks1 == 1 && o % k1 + 4 <= k1 && o + 4 <= rowEnd) {
      // Four neighbouring outputs whose lines run along an outer axis: one vector load per
      // step serves all four, each lane following the rule in index order.
      let best = v128.load(base);
      let index = i32x4.splat(0);
      for (let i = 1; i < n; i++) {
        const v = v128.load(base + (<usize>(i * as) << 2));
        const take = takes(largest, last, v, best);
        best = v128.bitselect(v, best, take);
        index = v128.bitselect(i32x4.splat(i), index, take);
      }
      const out = y + (<usize>o << 3);
      store<i64>(out, <i64>i32x4.extract_lane(index, 0));
      store<i64>(out + 8, <i64>i32x4.extract_lane(index, 1));
      store<i64>(out + 16, <i64>i32x4.extract_lane(index, 2));
      store<i64>(out + 24, <i64>i32x4.extract_lane(index, 3));
      o += 3;
      continue;
    }
    let best = load<f32>(base);
    let index = 0;
    let i = 1;
    if (as == 1 && n >= 9) {
      // A contiguous line: four lanes each follow the rule over every fourth element, then the
      // lane winners are merged in index order with the same rule.
      let bv = v128.load(base);
      let iv = i32x4(0, 1, 2, 3);
      for (i = 4; i + 4 <= n; i += 4) {
        const v = v128.load(base + (<usize>i << 2));
        const take = takes(largest, last, v, bv);
        bv = v128.bitselect(v, bv, take);
        iv = v128.bitselect(i32x4(i, i + 1, i + 2, i + 3), iv, take);
      }
      best = f32x4.extract_lane(bv, 0);
      index = i32x4.extract_lane(iv, 0);
      for (let lane = 1; lane < 4; lane++) {
        const v = lane == 1 ? f32x4.extract_lane(bv, 1) : lane == 2 ? f32x4.extract_lane(bv, 2) : f32x4.extract_lane(bv, 3);
        const at = lane == 1 ? i32x4.extract_lane(iv, 1) : lane == 2 ? i32x4.extract_lane(iv, 2) : i32x4.extract_lane(iv, 3);
        if (merges(largest, last, v, at, best, index)) {
          best = v;
          index = at;
        }
      }
    }
    for (; i < n; i++) {
      const v = load<f32>(base + (<usize>(i * as) << 2));
      if (takesScalar<f32>(largest, last, v, best)) {
        best = v;
        index = i;
      }
    }
    store<i64>(y + (<usize>o << 3), <i64>index);
  }
}

// Whether candidate (v, at) wins over (best, index), whatever their index order: the better
// value wins; on a tie, the lower index (or the higher with `last`).
@inline function merges(largest: i32, last: i32, v: f32, at: i32, best: f32, index: i32): bool {
  const vNaN = v != v;
  const bNaN = best != best;
  const tie = (vNaN && bNaN) || v == best;
  if (tie) {
    return last ? at > index : at < index;
  }
  return vNaN || (!bNaN && (largest ? v > best : v < best));
}

export function argLinesF64(largest: i32, last: i32, x: usize, k1: i32, ks0: i32, ks1: i32, n: i32, as: i32, y: usize, rowStart: i32, rowEnd: i32): void {
  for (let o = rowStart; o < rowEnd; o++) {
    const base = x + (<usize>((o / k1) * ks0 + (o % k1) * ks1) << 3);
    let best = load<f64>(base);
    let index = 0;
    for (let i = 1; i < n; i++) {
      const v = load<f64>(base + (<usize>(i * as) << 3));
      if (takesScalar<f64>(largest, last, v, best)) {
        best = v;
        index = i;
      }
    }
    store<i64>(y + (<usize>o << 3), <i64>index);
  }
}
