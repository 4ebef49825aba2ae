// add, mul, sub, max and min on integer dtypes, wrapping as C does (wasm integer arithmetic wraps; the store
// truncates narrow types). Same 4-d strided iteration as binary.ts; scalar loops.
// type: 0 i8, 1 u8, 2 i16, 3 u16, 4 i32, 5 u32, 6 i64, 7 u64, 8 f64 (rounded as IEEE does).
// op: 0 add, 1 mul, 2 sub, 3 div, 4 max, 5 min (the codes of binary.ts). div truncates toward
// zero; x / 0 is 0 and INT_MIN / -1 wraps to INT_MIN (the reference's meaning; wasm would trap).
import { rowElement } from './rows';

@inline function quotient<T>(x: T, y: T): T {
  if (y == <T>0) {
    return <T>0;
  }
  if (isSigned<T>() && y == <T>-1) {
    return <T>(<T>0 - x);
  }
  return <T>(x / y);
}

@inline function rows<T>(
  op: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  const size = <usize>sizeof<T>();
  for (let r = rowStart; r < rowEnd; r++) {
    const pa = a + rowElement(r, d1, d2, a0, a1, a2) * size;
    const pb = b + rowElement(r, d1, d2, b0, b1, b2) * size;
    const pc = c + <usize>r * <usize>d3 * size;
    for (let j = 0; j < d3; j++) {
      const x = load<T>(pa + <usize>(j * a3) * size);
      const y = load<T>(pb + <usize>(j * b3) * size);
      store<T>(pc + <usize>j * size, op == 0 ? <T>(x + y) : op == 1 ? <T>(x * y) : op == 2 ? <T>(x - y) : op == 3 ? quotient<T>(x, y) : op == 4 ? (x > y ? x : y) : (x < y ? x : y));
    }
  }
}

export function binaryInt(
  op: i32, type: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  switch (type) {
    case 0: rows<i8>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 1: rows<u8>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 2: rows<i16>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 3: rows<u16>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 4: rows<i32>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 5: rows<u32>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 6: rows<i64>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 7: rows<u64>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    default: rows<f64>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
  }
}
