// and / or of bool bytes (0/1), and not: over 4-d spaces as binary.ts, output row-major.
// op: 0 and, 1 or. Contiguous operands go 16 bytes at a time.
import { rowElement } from './rows';

export function logic(
  op: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const pa = a + rowElement(r, d1, d2, a0, a1, a2);
    const pb = b + rowElement(r, d1, d2, b0, b1, b2);
    const pc = c + <usize>r * <usize>d3;
    let j = 0;
    if (a3 == 1 && b3 == 1) {
      for (; j + 16 <= d3; j += 16) {
        const va = v128.load(pa + <usize>j);
        const vb = v128.load(pb + <usize>j);
        v128.store(pc + <usize>j, op == 0 ? v128.and(va, vb) : v128.or(va, vb));
      }
    }
    for (; j < d3; j++) {
      const x = load<u8>(pa + <usize>(j * a3));
      const y = load<u8>(pb + <usize>(j * b3));
      store<u8>(pc + <usize>j, op == 0 ? x & y : x | y);
    }
  }
}

export function not(x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  const ones = i8x16.splat(1);
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + rowElement(r, d1, d2, x0, x1, x2);
    const py = y + <usize>r * <usize>d3;
    let j = 0;
    if (x3 == 1) {
      for (; j + 16 <= d3; j += 16) {
        v128.store(py + <usize>j, v128.xor(v128.load(px + <usize>j), ones));
      }
    }
    for (; j < d3; j++) {
      store<u8>(py + <usize>j, load<u8>(px + <usize>(j * x3)) ^ 1);
    }
  }
}
