// The loop shared by add and mul: c = a op b over a 4-d iteration space (the runtime merges
// dims first), rows [rowStart, rowEnd) of d0*d1*d2 rows of d3 elements. Strides are in
// elements; c is row-major. The inner loop is SIMD when a and b are contiguous or broadcast
// (stride 0) along the last dim.
import { rowElement } from './rows';

@inline export function binaryRows(
  op: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const pa = a + ((rowElement(r, d1, d2, a0, a1, a2)) << 2);
    const pb = b + ((rowElement(r, d1, d2, b0, b1, b2)) << 2);
    const pc = c + ((<usize>r * <usize>d3) << 2);
    let j = 0;
    if (a3 == 1 && (b3 == 1 || b3 == 0)) {
      const bSplat = v128.load32_splat(pb);
      for (; j + 4 <= d3; j += 4) {
        const va = v128.load(pa + (<usize>j << 2));
        const vb = b3 == 0 ? bSplat : v128.load(pb + (<usize>j << 2));
        v128.store(pc + (<usize>j << 2), op == 0 ? f32x4.add(va, vb) : f32x4.mul(va, vb));
      }
    }
    for (; j < d3; j++) {
      const x = load<f32>(pa + (<usize>(j * a3) << 2));
      const y = load<f32>(pb + (<usize>(j * b3) << 2));
      store<f32>(pc + (<usize>j << 2), op == 0 ? x + y : x * y);
    }
  }
}
