// layerNorm over groups of `inner` contiguous elements, float32 in and out. Groups are indexed
// over a 3-d outer space with x strides (xs0, xs1, xs2); y is row-major; scale and bias are
// contiguous over the group (pointer 0 = absent).
//
// Two passes over x: (1) float64 sums of x for the mean together with float32-block sums of
// (x - P)^2, P a pilot mean of the first 16 elements, giving the variance by the shift
// formula unless that cancels more than half (then a centred pass recomputes the squares);
// (2) y = ((x - K) - s) * invStd with K = mean rounded to float32 and s its residual, exact
// where it matters (x close to K, Sterbenz): x = 3000 + small noise keeps its noise. No
// float32 sum has more than 4 terms per lane before it is added in float64. A group whose
// float32 values overflow is redone in float64 (groupF64).
import { rowElement } from './rows';

// The normalized value times scale plus bias (pointer 0: absent), four lanes or one element
// at byte offset o.
@inline function affine4(w: v128, scale: usize, bias: usize, o: usize): v128 {
  if (scale != 0) {
    w = f32x4.mul(w, v128.load(scale + o));
  }
  if (bias != 0) {
    w = f32x4.add(w, v128.load(bias + o));
  }
  return w;
}

@inline function affine1(w: f32, scale: usize, bias: usize, o: usize): f32 {
  if (scale != 0) {
    w *= load<f32>(scale + o);
  }
  if (bias != 0) {
    w += load<f32>(bias + o);
  }
  return w;
}

@inline function addLanes(acc: v128, v: v128): v128 {
  return f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))));
}

@inline function lowF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function highF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

@inline function lanesSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// The same group in float64 throughout (slower): used when the float32 squares or centred
// values overflow (beyond float32's range).
function groupF64(px: usize, py: usize, inner: i32, scale: usize, bias: usize, epsilon: f64, mean: usize, invStd: usize, r: i32): void {
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
    const w = i32x4.shuffle(n0, n1, 0, 1, 4, 5);
    v128.store(py + o, affine4(w, scale, bias, o));
  }
  for (; j < inner; j++) {
    const o = <usize>j << 2;
    const w = <f32>((<f64>load<f32>(px + o) - mu) * rstd);
    store<f32>(py + o, affine1(w, scale, bias, o));
  }
  store<f32>(mean + (<usize>r << 2), <f32>mu);
  store<f32>(invStd + (<usize>r << 2), <f32>rstd);
}

export function layerNorm(
  x: usize, xs0: i32, xs1: i32, xs2: i32, o1: i32, o2: i32, inner: i32,
  scale: usize, bias: usize, epsilon: f64,
  y: usize, mean: usize, invStd: usize, rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, o1, o2, xs0, xs1, xs2) << 2);
    const py = y + ((<usize>r * <usize>inner) << 2);
    // One pass for both moments: the mean from float64 sums of x itself (cancelling terms
    // such as 1e20 and -1e20 would lose the rest in float32), and squares of x - P in float32
    // blocks, P the mean of the first 16 elements (a pilot close to the mean). If P turns out
    // far from the mean, the centred second pass below recomputes the squares.
    const pilotCount = min(inner, 16);
    let pilot: f64 = 0;
    for (let j = 0; j < pilotCount; j++) {
      pilot += <f64>load<f32>(px + (<usize>j << 2));
    }
    const p32 = <f32>(pilot / <f64>pilotCount);
    const vp = f32x4.splat(p32);
    let acc = f64x2.splat(0);
    let acc2 = f64x2.splat(0);
    let j = 0;
    for (; j + 16 <= inner; j += 16) {
      const p = px + (<usize>j << 2);
      const v0 = v128.load(p);
      const v1 = v128.load(p, 16);
      const v2 = v128.load(p, 32);
      const v3 = v128.load(p, 48);
      acc = addLanes(addLanes(acc, v0), v1);
      acc = addLanes(addLanes(acc, v2), v3);
      const d0 = f32x4.sub(v0, vp);
      const d1 = f32x4.sub(v1, vp);
      const d2 = f32x4.sub(v2, vp);
      const d3 = f32x4.sub(v3, vp);
      acc2 = addLanes(acc2, f32x4.add(f32x4.add(f32x4.mul(d0, d0), f32x4.mul(d1, d1)), f32x4.add(f32x4.mul(d2, d2), f32x4.mul(d3, d3))));
    }
    let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    let pilotSquares = f64x2.extract_lane(acc2, 0) + f64x2.extract_lane(acc2, 1);
    for (; j < inner; j++) {
      const v = load<f32>(px + (<usize>j << 2));
      sum += <f64>v;
      const d = <f64>(v - p32);
      pilotSquares += d * d;
    }
    const mu = sum / <f64>inner;
    const k = <f32>mu;
    const vk = f32x4.splat(k);
    const s32 = <f32>(mu - <f64>k);
    const vs = f32x4.splat(s32);
    // Sum of (x - mean)^2 = sum of (x - P)^2 - n (mean - P)^2; trust it while the subtraction
    // cancels less than half of it (loses under one bit).
    const offset = mu - <f64>p32;
    let squares = pilotSquares - <f64>inner * offset * offset;
    if (!(squares >= 0.5 * pilotSquares)) {
      acc = f64x2.splat(0);
      j = 0;
      for (; j + 16 <= inner; j += 16) {
        const p = px + (<usize>j << 2);
        const d0 = f32x4.sub(f32x4.sub(v128.load(p), vk), vs);
        const d1 = f32x4.sub(f32x4.sub(v128.load(p, 16), vk), vs);
        const d2 = f32x4.sub(f32x4.sub(v128.load(p, 32), vk), vs);
        const d3 = f32x4.sub(f32x4.sub(v128.load(p, 48), vk), vs);
        acc = addLanes(acc, f32x4.add(f32x4.add(f32x4.mul(d0, d0), f32x4.mul(d1, d1)), f32x4.add(f32x4.mul(d2, d2), f32x4.mul(d3, d3))));
      }
      squares = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      for (; j < inner; j++) {
        const d = <f64>(load<f32>(px + (<usize>j << 2)) - k) - <f64>s32;
        squares += d * d;
      }
    }
    if (!isFinite(sum) || !isFinite(squares)) {
      groupF64(px, py, inner, scale, bias, epsilon, mean, invStd, r);
      continue;
    }
    const rstd = 1 / Math.sqrt(squares / <f64>inner + epsilon);
    const vr = f32x4.splat(<f32>rstd);
    j = 0;
    for (; j + 4 <= inner; j += 4) {
      const o = <usize>j << 2;
      const w = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(px + o), vk), vs), vr);
      v128.store(py + o, affine4(w, scale, bias, o));
    }
    for (; j < inner; j++) {
      const o = <usize>j << 2;
      const w = ((load<f32>(px + o) - k) - s32) * <f32>rstd;
      store<f32>(py + o, affine1(w, scale, bias, o));
    }
    store<f32>(mean + (<usize>r << 2), <f32>mu);
    store<f32>(invStd + (<usize>r << 2), <f32>rstd);
  }
}
