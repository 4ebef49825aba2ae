// layerNorm over groups of `inner` contiguous float64 elements (the float32 build is
// layerNorm.ts; same arguments). Per group, exactly as ref computes it: the sum of x in element
// order, mean = sum / inner, the sum of (x - mean)^2 in element order, invStd =
// 1 / sqrt(squares / inner + epsilon), then y = (x - mean) * invStd * scale + bias (scale 1 and
// bias 0 when absent, as ref multiplies and adds them) on two lanes. Every operation is ref's,
// in ref's order, so the results are ref's bit for bit where the build does not fuse a
// multiply-add (none is used here). The sums are sequential (ref's order): a float64 mean
// that depended on the order would move every centred value of a group far from the origin.

import { rowElement } from './rows';

export function layerNormF64(
  x: usize, xs0: i32, xs1: i32, xs2: i32, o1: i32, o2: i32, inner: i32,
  scale: usize, bias: usize, epsilon: f64,
  y: usize, mean: usize, invStd: usize, rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, o1, o2, xs0, xs1, xs2) << 3);
    const py = y + ((<usize>r * <usize>inner) << 3);
    let sum: f64 = 0;
    for (let j = 0; j < inner; j++) {
      sum += load<f64>(px + (<usize>j << 3));
    }
    const mu = sum / <f64>inner;
    let squares: f64 = 0;
    for (let j = 0; j < inner; j++) {
      const d = load<f64>(px + (<usize>j << 3)) - mu;
      squares += d * d;
    }
    const rs = 1 / Math.sqrt(squares / <f64>inner + epsilon);
    const vmu = f64x2.splat(mu);
    const vr = f64x2.splat(rs);
    const one = f64x2.splat(1);
    const zero = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= inner; j += 2) {
      const o = <usize>j << 3;
      const s = scale != 0 ? v128.load(scale + o) : one;
      const b = bias != 0 ? v128.load(bias + o) : zero;
      const w = f64x2.mul(f64x2.mul(f64x2.sub(v128.load(px + o), vmu), vr), s);
      v128.store(py + o, f64x2.add(w, b));
    }
    for (; j < inner; j++) {
      const o = <usize>j << 3;
      const s: f64 = scale != 0 ? load<f64>(scale + o) : 1;
      const b: f64 = bias != 0 ? load<f64>(bias + o) : 0;
      store<f64>(py + o, (load<f64>(px + o) - mu) * rs * s + b);
    }
    store<f64>(mean + (<usize>r << 3), mu);
    store<f64>(invStd + (<usize>r << 3), rs);
  }
}
