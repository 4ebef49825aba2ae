// equal / less / greater on float lanes, bool (one byte, 0/1) out: c = a op b over a 4-d space
// as binary.ts, c row-major. op: 0 equal, 1 less, 2 greater; NaN compares false (IEEE).
import { rowElement } from './rows';

@inline function mask32(op: i32, a: v128, b: v128): v128 {
  return op == 0 ? f32x4.eq(a, b) : op == 1 ? f32x4.lt(a, b) : f32x4.gt(a, b);
}

@inline function one32(op: i32, x: f32, y: f32): u8 {
  return <u8>(op == 0 ? x == y : op == 1 ? x < y : x > y);
}

@inline function one64(op: i32, x: f64, y: f64): u8 {
  return <u8>(op == 0 ? x == y : op == 1 ? x < y : x > y);
}

export function compareF32(
  op: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  const ones = i8x16.splat(1);
  for (let r = rowStart; r < rowEnd; r++) {
    const pa = a + (rowElement(r, d1, d2, a0, a1, a2) << 2);
    const pb = b + (rowElement(r, d1, d2, b0, b1, b2) << 2);
    const pc = c + <usize>r * <usize>d3;
    let j = 0;
    if ((a3 == 1 || a3 == 0) && (b3 == 1 || b3 == 0)) {
      const aSplat = v128.load32_splat(pa);
      const bSplat = v128.load32_splat(pb);
      for (; j + 4 <= d3; j += 4) {
        const va = a3 == 0 ? aSplat : v128.load(pa + (<usize>j << 2));
        const vb = b3 == 0 ? bSplat : v128.load(pb + (<usize>j << 2));
        // 32-bit lane masks (0 or -1) narrowed to bytes, then 0/1.
        const m16 = i16x8.narrow_i32x4_s(mask32(op, va, vb), i32x4.splat(0));
        const m8 = v128.and(i8x16.narrow_i16x8_s(m16, i16x8.splat(0)), ones);
        v128.store32_lane(pc + <usize>j, m8, 0);
      }
    }
    for (; j < d3; j++) {
      store<u8>(pc + <usize>j, one32(op, load<f32>(pa + (<usize>(j * a3) << 2)), load<f32>(pb + (<usize>(j * b3) << 2))));
    }
  }
}

export function compareF64(
  op: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const pa = a + (rowElement(r, d1, d2, a0, a1, a2) << 3);
    const pb = b + (rowElement(r, d1, d2, b0, b1, b2) << 3);
    const pc = c + <usize>r * <usize>d3;
    for (let j = 0; j < d3; j++) {
      store<u8>(pc + <usize>j, one64(op, load<f64>(pa + (<usize>(j * a3) << 3)), load<f64>(pb + (<usize>(j * b3) << 3))));
    }
  }
}

@inline function compareRows<T>(
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
    const pc = c + <usize>r * <usize>d3;
    for (let j = 0; j < d3; j++) {
      const x = load<T>(pa + <usize>(j * a3) * size);
      const y = load<T>(pb + <usize>(j * b3) * size);
      store<u8>(pc + <usize>j, <u8>(op == 0 ? x == y : op == 1 ? x < y : x > y));
    }
  }
}

// The comparisons on integers and bool (scalar loops): type 0 i8, 1 u8, 2 i16, 3 u16, 4 i32,
// 5 u32, 6 i64, 7 u64 (bool compares as u8).
export function compareInt(
  op: i32, type: i32,
  a: usize, a0: i32, a1: i32, a2: i32, a3: i32,
  b: usize, b0: i32, b1: i32, b2: i32, b3: i32,
  c: usize, d1: i32, d2: i32, d3: i32,
  rowStart: i32, rowEnd: i32,
): void {
  switch (type) {
    case 0: compareRows<i8>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 1: compareRows<u8>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 2: compareRows<i16>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 3: compareRows<u16>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 4: compareRows<i32>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 5: compareRows<u32>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    case 6: compareRows<i64>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
    default: compareRows<u64>(op, a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd); break;
  }
}
