// concat: a strided 4-d copy of one input (d0 x d1 x d2 x d3, strides x0..x3) into its block of
// the output (strides y0..y3), for every dtype: `size` bytes per element, copied, never
// converted. Strides are in elements. Rows of d3 are split among threads.
import { rowElement } from './rows';

@inline function copyRow<T>(px: usize, py: usize, x3: i32, y3: i32, d3: i32): void {
  const s = <usize>sizeof<T>();
  for (let j = 0; j < d3; j++) {
    store<T>(py + <usize>(j * y3) * s, load<T>(px + <usize>(j * x3) * s));
  }
}

export function concat(size: i32, x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, y0: i32, y1: i32, y2: i32, y3: i32, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + rowElement(r, d1, d2, x0, x1, x2) * <usize>size;
    const py = y + rowElement(r, d1, d2, y0, y1, y2) * <usize>size;
    if (x3 == 1 && y3 == 1) {
      memory.copy(py, px, <usize>d3 * <usize>size);
    } else if (size == 8) {
      copyRow<u64>(px, py, x3, y3, d3);
    } else if (size == 4) {
      copyRow<u32>(px, py, x3, y3, d3);
    } else if (size == 2) {
      copyRow<u16>(px, py, x3, y3, d3);
    } else {
      copyRow<u8>(px, py, x3, y3, d3);
    }
  }
}
