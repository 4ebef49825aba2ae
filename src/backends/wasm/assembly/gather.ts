// gather: x seen as [p, d, q] (strides ps, as, qs in elements), the output as [p, m, q]
// row-major; output row r = (i, j) copies x[i, indices[j], :] (q elements of `size` bytes).
// indices: m contiguous int32 (wide = 0) or int64 (wide = 1) values in [-d, d), checked by the
// kernel's plan; negative ones count from the end.
export function gather(size: i32, x: usize, ps: i32, as: i32, qs: i32, d: i32, indices: usize, wide: i32, m: i32, q: i32, y: usize, rowStart: i32, rowEnd: i32): void {
  const s = <usize>size;
  for (let r = rowStart; r < rowEnd; r++) {
    const i = r / m;
    const j = r % m;
    let k = wide ? <i32>load<i64>(indices + (<usize>j << 3)) : load<i32>(indices + (<usize>j << 2));
    if (k < 0) {
      k += d;
    }
    const px = x + <usize>(i * ps + k * as) * s;
    const py = y + <usize>r * <usize>q * s;
    if (qs == 1) {
      memory.copy(py, px, <usize>q * s);
      continue;
    }
    for (let e = 0; e < q; e++) {
      const from = px + <usize>(e * qs) * s;
      const to = py + <usize>e * s;
      if (size == 8) {
        store<u64>(to, load<u64>(from));
      } else if (size == 4) {
        store<u32>(to, load<u32>(from));
      } else if (size == 2) {
        store<u16>(to, load<u16>(from));
      } else {
        store<u8>(to, load<u8>(from));
      }
    }
  }
}
