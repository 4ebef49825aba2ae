// reduceSum / reduceMean, float32: each output sums a 2-d block of x (reduced dims merged to
// r0 x r1 with strides rs0, rs1) at a base given by the 2-d kept index (k1 columns, strides
// ks0, ks1). Sums in float64, which for float32 data is exact far beyond 1e8 terms of size 1.
export function reduceLines(
  mean: i32, x: usize, k1: i32, ks0: i32, ks1: i32, r0: i32, r1: i32, rs0: i32, rs1: i32,
  y: usize, rowStart: i32, rowEnd: i32,
): void {
  const count = <f64>r0 * <f64>r1;
  for (let o = rowStart; o < rowEnd; o++) {
    const base = x + (<usize>((o / k1) * ks0 + (o % k1) * ks1) << 2);
    let sum: f64 = 0;
    for (let i = 0; i < r0; i++) {
      const row = base + (<usize>(i * rs0) << 2);
      if (rs1 == 1) {
        let acc0 = f64x2.splat(0);
        let acc1 = f64x2.splat(0);
        let j = 0;
        for (; j + 4 <= r1; j += 4) {
          const v = v128.load(row + (<usize>j << 2));
          acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v));
          acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
        }
        const acc = f64x2.add(acc0, acc1);
        sum += f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
        for (; j < r1; j++) {
          sum += <f64>load<f32>(row + (<usize>j << 2));
        }
      } else {
        for (let j = 0; j < r1; j++) {
          sum += <f64>load<f32>(row + (<usize>(j * rs1) << 2));
        }
      }
    }
    store<f32>(y + (<usize>o << 2), <f32>(mean ? sum / count : sum));
  }
}

// The same for float64 data: Neumaier-compensated float64 sums, as the reference does.
export function reduceLinesF64(
  mean: i32, x: usize, k1: i32, ks0: i32, ks1: i32, r0: i32, r1: i32, rs0: i32, rs1: i32,
  y: usize, rowStart: i32, rowEnd: i32,
): void {
  const count = <f64>r0 * <f64>r1;
  for (let o = rowStart; o < rowEnd; o++) {
    const base = x + (<usize>((o / k1) * ks0 + (o % k1) * ks1) << 3);
    let sum: f64 = 0;
    let compensation: f64 = 0;
    for (let i = 0; i < r0; i++) {
      const row = base + (<usize>(i * rs0) << 3);
      for (let j = 0; j < r1; j++) {
        const v = load<f64>(row + (<usize>(j * rs1) << 3));
        const t = sum + v;
        compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
        sum = t;
      }
    }
    const total = isFinite(sum) ? sum + compensation : sum;
    store<f64>(y + (<usize>o << 3), mean ? total / count : total);
  }
}
