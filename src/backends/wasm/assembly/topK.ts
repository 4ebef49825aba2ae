// topK: for each line along the axis (n elements at stride xa), the k largest (smallest) values
// and their int64 indices, written at strides va (values) and ia (indices) along the axis.
// Line bases come from the 2-d index over the other dims (k1 columns; x strides xs0, xs1;
// output strides ys0, ys1, shared by both outputs). Strides are in elements. The order is the
// reference's: a stable merge sort of 0..n-1 by value, NaN above every number, so equal values
// keep the lower index first. scratch holds 2 * n int32 for this thread.
// kind: 0 f32, 1 f64, 2 i8, 3 u8, 4 i16, 5 u16, 6 i32, 7 u32, 8 i64, 9 u64.

// Whether the element at index a goes before the one at index b.
@inline function before<T>(x: usize, xa: i32, largest: i32, a: i32, b: i32): bool {
  const s = <usize>sizeof<T>();
  const va = load<T>(x + <usize>(a * xa) * s);
  const vb = load<T>(x + <usize>(b * xa) * s);
  const aNaN = va != va;
  const bNaN = vb != vb;
  if (largest) {
    return (aNaN && !bNaN) || va > vb;
  }
  return (bNaN && !aNaN) || va < vb;
}

@inline function sortLine<T>(x: usize, xa: i32, n: i32, k: i32, largest: i32, scratch: usize, values: usize, va: i32, indices: usize, ia: i32): void {
  let src = scratch;
  let dst = scratch + (<usize>n << 2);
  for (let i = 0; i < n; i++) {
    store<i32>(src + (<usize>i << 2), i);
  }
  // Bottom-up merge sort: stable, so ties keep the lower index first.
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      let i = lo;
      let j = mid;
      for (let o = lo; o < hi; o++) {
        let take: i32;
        if (i < mid && (j >= hi || !before<T>(x, xa, largest, load<i32>(src + (<usize>j << 2)), load<i32>(src + (<usize>i << 2))))) {
          take = load<i32>(src + (<usize>i << 2));
          i++;
        } else {
          take = load<i32>(src + (<usize>j << 2));
          j++;
        }
        store<i32>(dst + (<usize>o << 2), take);
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  const s = <usize>sizeof<T>();
  for (let j = 0; j < k; j++) {
    const at = load<i32>(src + (<usize>j << 2));
    store<T>(values + <usize>(j * va) * s, load<T>(x + <usize>(at * xa) * s));
    store<i64>(indices + (<usize>(j * ia) << 3), <i64>at);
  }
}

export function topKLines(kind: i32, largest: i32, k: i32, x: usize, k1: i32, xs0: i32, xs1: i32, xa: i32, n: i32, values: usize, indices: usize, ys0: i32, ys1: i32, ya: i32, scratch: usize, rowStart: i32, rowEnd: i32): void {
  for (let o = rowStart; o < rowEnd; o++) {
    const xo = <usize>((o / k1) * xs0 + (o % k1) * xs1);
    const yo = <usize>((o / k1) * ys0 + (o % k1) * ys1);
    const pi = indices + (yo << 3);
    if (kind == 0) sortLine<f32>(x + (xo << 2), xa, n, k, largest, scratch, values + (yo << 2), ya, pi, ya);
    else if (kind == 1) sortLine<f64>(x + (xo << 3), xa, n, k, largest, scratch, values + (yo << 3), ya, pi, ya);
    else if (kind == 2) sortLine<i8>(x + xo, xa, n, k, largest, scratch, values + yo, ya, pi, ya);
    else if (kind == 3) sortLine<u8>(x + xo, xa, n, k, largest, scratch, values + yo, ya, pi, ya);
    else if (kind == 4) sortLine<i16>(x + (xo << 1), xa, n, k, largest, scratch, values + (yo << 1), ya, pi, ya);
    else if (kind == 5) sortLine<u16>(x + (xo << 1), xa, n, k, largest, scratch, values + (yo << 1), ya, pi, ya);
    else if (kind == 6) sortLine<i32>(x + (xo << 2), xa, n, k, largest, scratch, values + (yo << 2), ya, pi, ya);
    else if (kind == 7) sortLine<u32>(x + (xo << 2), xa, n, k, largest, scratch, values + (yo << 2), ya, pi, ya);
    else if (kind == 8) sortLine<i64>(x + (xo << 3), xa, n, k, largest, scratch, values + (yo << 3), ya, pi, ya);
    else sortLine<u64>(x + (xo << 3), xa, n, k, largest, scratch, values + (yo << 3), ya, pi, ya);
  }
}
