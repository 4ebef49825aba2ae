// hannWindow, float32: w[n] = sin^2(pi n / M) in float64 (see the reference for why sin^2).
export function hannWindow(y: usize, size: i32, denominator: i32): void {
  for (let n = 0; n < size; n++) {
    const s = Math.sin((Math.PI * <f64>n) / <f64>denominator);
    store<f32>(y + (<usize>n << 2), denominator == 0 ? 1 : <f32>(s * s));
  }
}
