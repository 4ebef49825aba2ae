// y = max(x, 0) with NaN kept, float32, over a 4-d strided x (see binary.ts); y row-major.
import { rowElement } from './rows';

export function relu(x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  const zero = f32x4.splat(0);
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + ((rowElement(r, d1, d2, x0, x1, x2)) << 2);
    const py = y + ((<usize>r * <usize>d3) << 2);
    let j = 0;
    if (x3 == 1) {
      for (; j + 4 <= d3; j += 4) {
        const v = v128.load(px + (<usize>j << 2));
        // Keep lanes where v > 0 or v is NaN (v != v); zero the rest.
        const keep = v128.or(f32x4.gt(v, zero), f32x4.ne(v, v));
        v128.store(py + (<usize>j << 2), v128.and(v, keep));
      }
    }
    for (; j < d3; j++) {
      const v = load<f32>(px + (<usize>(j * x3) << 2));
      store<f32>(py + (<usize>j << 2), v > 0 || v != v ? v : 0);
    }
  }
}
