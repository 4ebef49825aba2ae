// transpose: a strided 4-d copy of x into row-major y (rows of d3 elements of `size` bytes),
// for every dtype: the bytes are copied, never converted.
import { rowElement } from './rows';

@inline function copyRow<T>(px: usize, py: usize, x3: i32, d3: i32): void {
  const s = <usize>sizeof<T>();
  for (let j = 0; j < d3; j++) {
    store<T>(py + <usize>j * s, load<T>(px + <usize>(j * x3) * s));
  }
}

export function transpose(size: i32, x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + rowElement(r, d1, d2, x0, x1, x2) * <usize>size;
    const py = y + <usize>r * <usize>d3 * <usize>size;
    if (x3 == 1) {
      memory.copy(py, px, <usize>d3 * <usize>size);
    } else if (size == 8) {
      copyRow<u64>(px, py, x3, d3);
    } else if (size == 4) {
      copyRow<u32>(px, py, x3, d3);
    } else if (size == 2) {
      copyRow<u16>(px, py, x3, d3);
    } else {
      copyRow<u8>(px, py, x3, d3);
    }
  }
}
