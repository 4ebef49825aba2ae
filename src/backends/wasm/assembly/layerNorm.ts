// layerNorm over groups of `inner` contiguous elements, float32. Groups are indexed over a 3-d
// outer space with x strides (xs0, xs1, xs2); y is row-major; scale and bias are contiguous
// over the group (pointer 0 = absent). Two passes (mean, then centred squares) with SIMD
// partial sums added in float64.
import { rowElement } from './rows';

export function layerNorm(
  x: usize, xs0: i32, xs1: i32, xs2: i32, o1: i32, o2: i32, inner: i32,
  scale: usize, bias: usize, epsilon: f64,
  y: usize, mean: usize, invStd: usize, rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, o1, o2, xs0, xs1, xs2) << 2);
    const py = y + ((<usize>r * <usize>inner) << 2);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= inner; j += 4) {
      acc = f32x4.add(acc, v128.load(px + (<usize>j << 2)));
    }
    let sum: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
    for (; j < inner; j++) {
      sum += <f64>load<f32>(px + (<usize>j << 2));
    }
    const mu = <f32>(sum / <f64>inner);
    const vmu = f32x4.splat(mu);
    acc = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= inner; j += 4) {
      const d = f32x4.sub(v128.load(px + (<usize>j << 2)), vmu);
      acc = f32x4.add(acc, f32x4.mul(d, d));
    }
    let squares: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
    for (; j < inner; j++) {
      const d = <f64>load<f32>(px + (<usize>j << 2)) - <f64>mu;
      squares += d * d;
    }
    const rstd = <f32>(1 / Math.sqrt(squares / <f64>inner + epsilon));
    const vr = f32x4.splat(rstd);
    j = 0;
    for (; j + 4 <= inner; j += 4) {
      const o = <usize>j << 2;
      let v = f32x4.mul(f32x4.sub(v128.load(px + o), vmu), vr);
      if (scale != 0) {
        v = f32x4.mul(v, v128.load(scale + o));
      }
      if (bias != 0) {
        v = f32x4.add(v, v128.load(bias + o));
      }
      v128.store(py + o, v);
    }
    for (; j < inner; j++) {
      const o = <usize>j << 2;
      let v = (load<f32>(px + o) - mu) * rstd;
      if (scale != 0) {
        v *= load<f32>(scale + o);
      }
      if (bias != 0) {
        v += load<f32>(bias + o);
      }
      store<f32>(py + o, v);
    }
    store<f32>(mean + (<usize>r << 2), mu);
    store<f32>(invStd + (<usize>r << 2), rstd);
  }
}
