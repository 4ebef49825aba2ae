// range: y[0] = first, y[1] = second, y[i] = first + i * d for i >= 2 (numpy's arange fill, as
// the reference), for elements [start, end). kind: 0 float32 (arithmetic in float32), 1 float64,
// 2 int16, 3 int32, 4 int64 (integers computed in float64, exact for safe integers).
export function range(kind: i32, first: f64, second: f64, d: f64, y: usize, start: i32, end: i32): void {
  for (let i = start; i < end; i++) {
    if (kind == 0) {
      const v: f32 = i == 0 ? <f32>first : i == 1 ? <f32>second : <f32>first + <f32>i * <f32>d;
      store<f32>(y + (<usize>i << 2), v);
      continue;
    }
    const v: f64 = i == 0 ? first : i == 1 ? second : first + <f64>i * d;
    if (kind == 1) {
      store<f64>(y + (<usize>i << 3), v);
    } else if (kind == 2) {
      store<i16>(y + (<usize>i << 1), <i16><i64>v);
    } else if (kind == 3) {
      store<i32>(y + (<usize>i << 2), <i32><i64>v);
    } else {
      store<i64>(y + (<usize>i << 3), <i64>v);
    }
  }
}
