// transpose: a strided 4-d copy of x into row-major y (rows of d3 elements), float32.
import { rowElement } from './rows';

export function transpose(x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + ((rowElement(r, d1, d2, x0, x1, x2)) << 2);
    const py = y + ((<usize>r * <usize>d3) << 2);
    if (x3 == 1) {
      memory.copy(py, px, <usize>d3 << 2);
      continue;
    }
    for (let j = 0; j < d3; j++) {
      store<f32>(py + (<usize>j << 2), load<f32>(px + (<usize>(j * x3) << 2)));
    }
  }
}
