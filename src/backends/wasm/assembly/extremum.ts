// reduceMax / reduceMin for float32 (T = f32), float64 (T = f64) and uint8 / bool (T = u8,
// with the empty-set identity from the caller: 0 for max, 255 (or true = 1) for min): each
// output is the max (min) of a 2-d block of x (reduced dims merged to r0 x r1, strides rs0, rs1) at a base given
// by its 2-d kept index (k1 columns, strides ks0, ks1). Strides are in elements.
// The wasm max / min instructions are IEEE 754-2019 maximum / minimum: NaN wins and +0 > -0,
// the reference's rule, so any grouping of the comparisons gives the same answer.

@inline function pick<T>(largest: i32, a: v128, b: v128): v128 {
  return largest ? v128.max<T>(a, b) : v128.min<T>(a, b);
}

@inline function pickScalar<T>(largest: i32, a: T, b: T): T {
  return largest ? max<T>(a, b) : min<T>(a, b);
}

// The max of a whole vector's lanes: fold halves onto each other down to the lane size.
@inline function across<T>(largest: i32, v: v128): T {
  let r = pick<T>(largest, v, i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  if (sizeof<T>() <= 4) {
    r = pick<T>(largest, r, i8x16.shuffle(r, r, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
  }
  if (sizeof<T>() <= 2) {
    r = pick<T>(largest, r, i8x16.shuffle(r, r, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  }
  if (sizeof<T>() == 1) {
    r = pick<T>(largest, r, i8x16.shuffle(r, r, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
  }
  return v128.extract_lane<T>(r, 0);
}

@inline function lines<T>(
  largest: i32, identity: T, x: usize, k1: i32, ks0: i32, ks1: i32, r0: i32, r1: i32, rs0: i32, rs1: i32,
  y: usize, rowStart: i32, rowEnd: i32,
): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  const start = v128.splat<T>(identity);
  for (let o = rowStart; o < rowEnd; o++) {
    const base = x + <usize>((o / k1) * ks0 + (o % k1) * ks1) * size;
    if (r1 == 1 && ks1 == 1 && o % k1 + 2 * lanes <= k1 && o + 2 * lanes <= rowEnd) {
      // Neighbouring outputs that each reduce one strided line (an outer axis, e.g. column
      // maxima of a row-major matrix): two vector loads per row serve 2 * lanes outputs.
      let a0 = start;
      let a1 = start;
      for (let i = 0; i < r0; i++) {
        const p = base + <usize>i * <usize>rs0 * size;
        a0 = pick<T>(largest, a0, v128.load(p));
        a1 = pick<T>(largest, a1, v128.load(p, 16));
      }
      const out = y + <usize>o * size;
      v128.store(out, a0);
      v128.store(out, a1, 16);
      o += 2 * lanes - 1;
      continue;
    }
    let best: T = identity;
    for (let i = 0; i < r0; i++) {
      const row = base + <usize>i * <usize>rs0 * size;
      let j = 0;
      if (rs1 == 1) {
        // Four independent accumulators: the max instructions' latency, not the loads, would
        // otherwise bound a contiguous line.
        let a0 = start;
        let a1 = start;
        let a2 = start;
        let a3 = start;
        for (; j + 4 * lanes <= r1; j += 4 * lanes) {
          const p = row + <usize>j * size;
          a0 = pick<T>(largest, a0, v128.load(p));
          a1 = pick<T>(largest, a1, v128.load(p, 16));
          a2 = pick<T>(largest, a2, v128.load(p, 32));
          a3 = pick<T>(largest, a3, v128.load(p, 48));
        }
        for (; j + lanes <= r1; j += lanes) {
          a0 = pick<T>(largest, a0, v128.load(row + <usize>j * size));
        }
        best = pickScalar<T>(largest, best, across<T>(largest, pick<T>(largest, pick<T>(largest, a0, a1), pick<T>(largest, a2, a3))));
      }
      for (; j < r1; j++) {
        best = pickScalar<T>(largest, best, load<T>(row + <usize>(j * rs1) * size));
      }
    }
    store<T>(y + <usize>o * size, best);
  }
}

export function extremeLines(
  largest: i32, x: usize, k1: i32, ks0: i32, ks1: i32, r0: i32, r1: i32, rs0: i32, rs1: i32,
  y: usize, rowStart: i32, rowEnd: i32,
): void {
  lines<f32>(largest, largest ? -Infinity : Infinity, x, k1, ks0, ks1, r0, r1, rs0, rs1, y, rowStart, rowEnd);
}

export function extremeLinesF64(
  largest: i32, x: usize, k1: i32, ks0: i32, ks1: i32, r0: i32, r1: i32, rs0: i32, rs1: i32,
  y: usize, rowStart: i32, rowEnd: i32,
): void {
  lines<f64>(largest, largest ? -Infinity : Infinity, x, k1, ks0, ks1, r0, r1, rs0, rs1, y, rowStart, rowEnd);
}

export function extremeLinesU8(
  largest: i32, identity: i32, x: usize, k1: i32, ks0: i32, ks1: i32, r0: i32, r1: i32, rs0: i32, rs1: i32,
  y: usize, rowStart: i32, rowEnd: i32,
): void {
  lines<u8>(largest, <u8>identity, x, k1, ks0, ks1, r0, r1, rs0, rs1, y, rowStart, rowEnd);
}
