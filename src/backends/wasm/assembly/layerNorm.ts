// layerNorm over groups of `inner` contiguous elements, float32 in and out. Groups are indexed
// over a 3-d outer space with x strides (xs0, xs1, xs2); y is row-major; scale and bias are
// contiguous over the group (pointer 0 = absent). Mean, centring and variance are computed in
// float64 (f64x2): in float32 a mean far from 0 (x = 3000 + small noise) loses the noise.
import { rowElement } from './rows';

@inline function lowF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function highF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

@inline function lanesSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

export function layerNorm(
  x: usize, xs0: i32, xs1: i32, xs2: i32, o1: i32, o2: i32, inner: i32,
  scale: usize, bias: usize, epsilon: f64,
  y: usize, mean: usize, invStd: usize, rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, o1, o2, xs0, xs1, xs2) << 2);
    const py = y + ((<usize>r * <usize>inner) << 2);
    let acc = f64x2.splat(0);
    let j = 0;
    for (; j + 4 <= inner; j += 4) {
      const v = v128.load(px + (<usize>j << 2));
      acc = f64x2.add(acc, f64x2.add(lowF64(v), highF64(v)));
    }
    let sum = lanesSum(acc);
    for (; j < inner; j++) {
      sum += <f64>load<f32>(px + (<usize>j << 2));
    }
    const mu = sum / <f64>inner;
    const vmu = f64x2.splat(mu);
    acc = f64x2.splat(0);
    j = 0;
    for (; j + 4 <= inner; j += 4) {
      const v = v128.load(px + (<usize>j << 2));
      const d0 = f64x2.sub(lowF64(v), vmu);
      const d1 = f64x2.sub(highF64(v), vmu);
      acc = f64x2.add(acc, f64x2.add(f64x2.mul(d0, d0), f64x2.mul(d1, d1)));
    }
    let squares = lanesSum(acc);
    for (; j < inner; j++) {
      const d = <f64>load<f32>(px + (<usize>j << 2)) - mu;
      squares += d * d;
    }
    const rstd = 1 / Math.sqrt(squares / <f64>inner + epsilon);
    const vr = f64x2.splat(rstd);
    j = 0;
    for (; j + 4 <= inner; j += 4) {
      const o = <usize>j << 2;
      const v = v128.load(px + o);
      // (x - mean) * rstd in float64, rounded once to float32, then scale and bias.
      const n0 = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.sub(lowF64(v), vmu), vr));
      const n1 = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.sub(highF64(v), vmu), vr));
      let w = i32x4.shuffle(n0, n1, 0, 1, 4, 5);
      if (scale != 0) {
        w = f32x4.mul(w, v128.load(scale + o));
      }
      if (bias != 0) {
        w = f32x4.add(w, v128.load(bias + o));
      }
      v128.store(py + o, w);
    }
    for (; j < inner; j++) {
      const o = <usize>j << 2;
      let w = <f32>((<f64>load<f32>(px + o) - mu) * rstd);
      if (scale != 0) {
        w *= load<f32>(scale + o);
      }
      if (bias != 0) {
        w += load<f32>(bias + o);
      }
      store<f32>(py + o, w);
    }
    store<f32>(mean + (<usize>r << 2), <f32>mu);
    store<f32>(invStd + (<usize>r << 2), <f32>rstd);
  }
}
