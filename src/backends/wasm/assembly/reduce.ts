// reduceSum / reduceMean, float32: each output sums a 2-d block of x (reduced dims merged to
// r0 x r1 with strides rs0, rs1) at a base given by the 2-d kept index (k1 columns, strides
// ks0, ks1). Sums in float64, which for float32 data is exact far beyond 1e8 terms of size 1.
export function reduceLines(
  mean: i32, x: usize, k1: i32, ks0: i32, ks1: i32, r0: i32, r1: i32, rs0: i32, rs1: i32,
  y: usize, rowStart: i32, rowEnd: i32,
): void {
  const count = <f64>r0 * <f64>r1;
  const vcount = f64x2.splat(count);
  for (let o = rowStart; o < rowEnd; o++) {
    const base = x + (<usize>((o / k1) * ks0 + (o % k1) * ks1) << 2);
    if (r1 == 1 && ks1 == 1 && o % k1 + 16 <= k1 && o + 16 <= rowEnd) {
      // Sixteen at a time where there are that many: one pass over the rows instead of four.
      columns16(base, r0, rs0, y + (<usize>o << 2), mean, count);
      o += 15;
      continue;
    }
    if (r1 == 1 && ks1 == 1 && o % k1 + 4 <= k1 && o + 4 <= rowEnd) {
      // Four neighbouring outputs that each sum one strided line (a reduction over an outer
      // axis, e.g. column sums of a row-major matrix): one vector load per row serves all four,
      // instead of four strided walks. Each sum still adds its terms in the same order.
      let acc0 = f64x2.splat(0);
      let acc1 = f64x2.splat(0);
      for (let i = 0; i < r0; i++) {
        const v = v128.load(base + (<usize>(i * rs0) << 2));
        acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v));
        acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      }
      if (mean) {
        acc0 = f64x2.div(acc0, vcount);
        acc1 = f64x2.div(acc1, vcount);
      }
      const out = y + (<usize>o << 2);
      v128.store64_lane(out, f32x4.demote_f64x2_zero(acc0), 0);
      v128.store64_lane(out + 8, f32x4.demote_f64x2_zero(acc1), 0);
      o += 3;
      continue;
    }
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

// Sixteen neighbouring column sums (float64, each in row order) of r0 rows at stride rs0
// (elements) from base, written as float32 to out (divided by count for a mean).
function columns16(base: usize, r0: i32, rs0: i32, out: usize, mean: i32, count: f64): void {
  let a0 = f64x2.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let a4 = a0;
  let a5 = a0;
  let a6 = a0;
  let a7 = a0;
  for (let i = 0; i < r0; i++) {
    const p = base + (<usize>(i * rs0) << 2);
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    const v2 = v128.load(p, 32);
    const v3 = v128.load(p, 48);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v0, v0, 2, 3, 0, 1)));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v1));
    a3 = f64x2.add(a3, f64x2.promote_low_f32x4(i32x4.shuffle(v1, v1, 2, 3, 0, 1)));
    a4 = f64x2.add(a4, f64x2.promote_low_f32x4(v2));
    a5 = f64x2.add(a5, f64x2.promote_low_f32x4(i32x4.shuffle(v2, v2, 2, 3, 0, 1)));
    a6 = f64x2.add(a6, f64x2.promote_low_f32x4(v3));
    a7 = f64x2.add(a7, f64x2.promote_low_f32x4(i32x4.shuffle(v3, v3, 2, 3, 0, 1)));
  }
  const c = f64x2.splat(mean ? count : 1);
  v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.div(a0, c)), 0);
  v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.div(a1, c)), 0, 8);
  v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.div(a2, c)), 0, 16);
  v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.div(a3, c)), 0, 24);
  v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.div(a4, c)), 0, 32);
  v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.div(a5, c)), 0, 40);
  v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.div(a6, c)), 0, 48);
  v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.div(a7, c)), 0, 56);
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
