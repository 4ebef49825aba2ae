// z = cond ? x : y over a 4-d space (cond bool bytes, x, y and z float32 or float64; all
// strided as binary.ts, z row-major). bytes: 4 or 8. Contiguous or broadcast float32 operands
// select whole vectors; everything else element by element (a select rounds nothing).
import { rowElement } from './rows';

export function where(
  bytes: i32,
  c: usize, c0: i32, c1: i32, c2: i32, c3: i32,
  x: usize, x0: i32, x1: i32, x2: i32, x3: i32,
  y: usize, y0: i32, y1: i32, y2: i32, y3: i32,
  z: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  const size = <usize>bytes;
  for (let r = rowStart; r < rowEnd; r++) {
    const pc = c + rowElement(r, d1, d2, c0, c1, c2);
    const px = x + rowElement(r, d1, d2, x0, x1, x2) * size;
    const py = y + rowElement(r, d1, d2, y0, y1, y2) * size;
    const pz = z + <usize>r * <usize>d3 * size;
    let j = 0;
    if (bytes == 4 && c3 == 1 && (x3 == 1 || x3 == 0) && (y3 == 1 || y3 == 0)) {
      const xSplat = v128.load32_splat(px);
      const ySplat = v128.load32_splat(py);
      for (; j + 4 <= d3; j += 4) {
        // Four condition bytes widened to 32-bit lanes, then a lane mask.
        const bits = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pc + <usize>j)));
        const mask = i32x4.ne(bits, i32x4.splat(0));
        const vx = x3 == 0 ? xSplat : v128.load(px + (<usize>j << 2));
        const vy = y3 == 0 ? ySplat : v128.load(py + (<usize>j << 2));
        v128.store(pz + (<usize>j << 2), v128.bitselect(vx, vy, mask));
      }
    }
    for (; j < d3; j++) {
      const pick = load<u8>(pc + <usize>(j * c3)) != 0;
      if (bytes == 4) {
        store<u32>(pz + (<usize>j << 2), pick ? load<u32>(px + (<usize>(j * x3) << 2)) : load<u32>(py + (<usize>(j * y3) << 2)));
      } else {
        store<u64>(pz + (<usize>j << 3), pick ? load<u64>(px + (<usize>(j * x3) << 3)) : load<u64>(py + (<usize>(j * y3) << 3)));
      }
    }
  }
}
