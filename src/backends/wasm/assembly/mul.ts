import { binaryRows } from './binary';

// c = a * b, float32, broadcasting through strides (see binary.ts).
export function mul(
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  binaryRows(1, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd);
}
