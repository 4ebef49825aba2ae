// float32 <-> float64 over a 4-d strided x, y row-major. toF64: 1 widens (exact), 0 narrows
// (rounds to nearest even, as every IEEE conversion).
import { rowElement } from './rows';

export function castFloat(toF64: i32, x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  const inShift: usize = toF64 ? 2 : 3;
  const outShift: usize = toF64 ? 3 : 2;
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, d1, d2, x0, x1, x2) << inShift);
    const py = y + ((<usize>r * <usize>d3) << outShift);
    let j = 0;
    if (x3 == 1) {
      for (; j + 2 <= d3; j += 2) {
        if (toF64) {
          v128.store(py + (<usize>j << 3), f64x2.promote_low_f32x4(v128.load64_zero(px + (<usize>j << 2))));
        } else {
          v128.store64_lane(py + (<usize>j << 2), f32x4.demote_f64x2_zero(v128.load(px + (<usize>j << 3))), 0);
        }
      }
    }
    for (; j < d3; j++) {
      if (toF64) {
        store<f64>(py + (<usize>j << 3), <f64>load<f32>(px + (<usize>(j * x3) << 2)));
      } else {
        store<f32>(py + (<usize>j << 2), <f32>load<f64>(px + (<usize>(j * x3) << 3)));
      }
    }
  }
}
