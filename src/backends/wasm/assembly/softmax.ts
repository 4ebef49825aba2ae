// softmax / logSoftmax along one axis, float32. Lines are indexed over a 3-d outer space
// (o0 x o1 x o2, the axis removed); each line has n elements at stride xa in x and ya in y.
// Max, then exp(x - max) and its sum in float64, then the scale (or the log-sum subtraction).

import { expConst, expNonPositive } from './exp';
import { rowElement } from './rows';

// A contiguous line (x and y stride 1), all in SIMD: d = x - max split exactly into
// d_hi + d_lo (TwoSum), e = exp(d_hi + d_lo), sums in float64. The split matters: in float32
// the shift alone carries an error of eps * |x - max|, which exp would turn into many ulp for
// small outputs. The exp constants are loaded once here (see exp.ts).
// The loop also takes the max of the next line (at pn), so that its reads from memory overlap
// this line's exp instead of stalling a pass of their own; the return value is that max.
function contiguousLine(log: i32, px: usize, py: usize, n: i32, top: f32, pn: usize): f32 {
  const negTop = f32x4.splat(-top);
  const c0 = expConst(0);
  const c1 = expConst(1);
  const c2 = expConst(2);
  const c3 = expConst(3);
  const c4 = expConst(4);
  const c5 = expConst(5);
  const c6 = expConst(6);
  const c7 = expConst(7);
  const c8 = expConst(8);
  const c9 = expConst(9);
  const c10 = expConst(10);
  const c11 = expConst(11);
  const c12 = expConst(12);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let ma = f32x4.splat(-Infinity);
  let mb = ma;
  let j = 0;
  if (log) {
    // logSoftmax keeps d_lo as the output's correction (where exp underflows it is dropped:
    // for a shift past -FLT_MAX, d_hi = -Inf and TwoSum gives NaN).
    for (; j + 4 <= n; j += 4) {
      const x = v128.load(px + (<usize>j << 2));
      ma = f32x4.pmax(ma, v128.load(pn + (<usize>j << 2)));
      const hi = f32x4.add(x, negTop);
      const lo = twoSumLow(x, hi, negTop);
      const e = expNonPositive(hi, lo, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12);
      acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(e));
      acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1)));
      v128.store(py + (<usize>j << 2), v128.andnot(lo, f32x4.lt(hi, c11)));
    }
  } else {
    // Two vectors a step; their float32 sum (one rounding, 2^-24 relative: the terms are
    // positive) goes into the float64 accumulators.
    for (; j + 8 <= n; j += 8) {
      const p = px + (<usize>j << 2);
      const xa = v128.load(p);
      const xb = v128.load(p, 16);
      const pnj = pn + (<usize>j << 2);
      ma = f32x4.pmax(ma, v128.load(pnj));
      mb = f32x4.pmax(mb, v128.load(pnj, 16));
      const ha = f32x4.add(xa, negTop);
      const hb = f32x4.add(xb, negTop);
      const ea = expNonPositive(ha, twoSumLow(xa, ha, negTop), c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12);
      const eb = expNonPositive(hb, twoSumLow(xb, hb, negTop), c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12);
      const q = py + (<usize>j << 2);
      v128.store(q, ea);
      v128.store(q, eb, 16);
      const pair = f32x4.add(ea, eb);
      acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(pair));
      acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(pair, pair, 2, 3, 0, 1)));
    }
    for (; j + 4 <= n; j += 4) {
      const x = v128.load(px + (<usize>j << 2));
      ma = f32x4.pmax(ma, v128.load(pn + (<usize>j << 2)));
      const hi = f32x4.add(x, negTop);
      const e = expNonPositive(hi, twoSumLow(x, hi, negTop), c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12);
      acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(e));
      acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1)));
      v128.store(py + (<usize>j << 2), e);
    }
  }
  const m = f32x4.pmax(ma, mb);
  let next = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (let k = j; k < n; k++) {
    next = max(next, load<f32>(pn + (<usize>k << 2)));
  }
  const accAll = f64x2.add(acc0, acc1);
  let sum = f64x2.extract_lane(accAll, 0) + f64x2.extract_lane(accAll, 1);
  const tail = j;
  for (; j < n; j++) {
    const e = Math.exp(<f64>load<f32>(px + (<usize>j << 2)) - <f64>top);
    sum += e;
    store<f32>(py + (<usize>j << 2), log ? 0 : <f32>e);
  }
  if (log) {
    const logSum = Math.log(sum);
    const vlog = f32x4.splat(<f32>logSum);
    for (j = 0; j + 4 <= tail; j += 4) {
      const x = v128.load(px + (<usize>j << 2));
      const lo = v128.load(py + (<usize>j << 2));
      v128.store(py + (<usize>j << 2), f32x4.add(f32x4.sub(f32x4.add(x, negTop), vlog), lo));
    }
    for (j = tail; j < n; j++) {
      store<f32>(py + (<usize>j << 2), <f32>(<f64>load<f32>(px + (<usize>j << 2)) - <f64>top - logSum));
    }
    return next;
  }
  const s = f32x4.splat(<f32>(1 / sum));
  for (j = 0; j + 4 <= n; j += 4) {
    const p = py + (<usize>j << 2);
    v128.store(p, f32x4.mul(v128.load(p), s));
  }
  const scale = <f32>(1 / sum);
  for (; j < n; j++) {
    const p = py + (<usize>j << 2);
    store<f32>(p, load<f32>(p) * scale);
  }
  return next;
}

// The rounding error of hi = x + negTop, exactly (Knuth's TwoSum): x + negTop = hi + lo.
@inline function twoSumLow(x: v128, hi: v128, negTop: v128): v128 {
  const bb = f32x4.sub(hi, x);
  return f32x4.add(f32x4.sub(x, f32x4.sub(hi, bb)), f32x4.sub(negTop, bb));
}

@inline function lineBase(r: i32, o1: i32, o2: i32, s0: i32, s1: i32, s2: i32): usize {
  return rowElement(r, o1, o2, s0, s1, s2) << 2;
}

// The max of a line; pmax (one maxps) skips NaN, which is fine: a NaN anywhere makes its exp,
// the sum and so the whole line NaN, as in the reference.
function lineMax(px: usize, n: i32, xa: i32): f32 {
  let top: f32 = -Infinity;
  let j = 0;
  if (xa == 1) {
    let m0 = f32x4.splat(-Infinity);
    let m1 = m0;
    let m2 = m0;
    let m3 = m0;
    for (; j + 16 <= n; j += 16) {
      const p = px + (<usize>j << 2);
      m0 = f32x4.pmax(m0, v128.load(p));
      m1 = f32x4.pmax(m1, v128.load(p, 16));
      m2 = f32x4.pmax(m2, v128.load(p, 32));
      m3 = f32x4.pmax(m3, v128.load(p, 48));
    }
    const m = f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3));
    top = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  }
  for (; j < n; j++) {
    top = max(top, load<f32>(px + (<usize>(j * xa) << 2)));
  }
  return top;
}

export function softmaxLines(
  log: i32,
  x: usize, xs0: i32, xs1: i32, xs2: i32, xa: i32,
  y: usize, ys0: i32, ys1: i32, ys2: i32, ya: i32,
  o1: i32, o2: i32, n: i32, rowStart: i32, rowEnd: i32,
): void {
  if (xa == 1 && ya == 1) {
    let top = lineMax(x + lineBase(rowStart, o1, o2, xs0, xs1, xs2), n, 1);
    for (let r = rowStart; r < rowEnd; r++) {
      const px = x + lineBase(r, o1, o2, xs0, xs1, xs2);
      const pn = r + 1 < rowEnd ? x + lineBase(r + 1, o1, o2, xs0, xs1, xs2) : px;
      top = contiguousLine(log, px, y + lineBase(r, o1, o2, ys0, ys1, ys2), n, top, pn);
    }
    return;
  }
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + lineBase(r, o1, o2, xs0, xs1, xs2);
    const py = y + lineBase(r, o1, o2, ys0, ys1, ys2);
    const top = lineMax(px, n, xa);
    let sum: f64 = 0;
    let j = 0;
    for (; j < n; j++) {
      // x - max and exp in float64: in float32 the shift alone has error eps * |x - max|,
      // which exp turns into a relative error far beyond a few ulp for small outputs.
      const e = Math.exp(<f64>load<f32>(px + (<usize>(j * xa) << 2)) - <f64>top);
      sum += e;
      if (!log) {
        store<f32>(py + (<usize>(j * ya) << 2), <f32>e);
      }
    }
    if (log) {
      const logSum = Math.log(sum);
      for (j = 0; j < n; j++) {
        const v = <f64>load<f32>(px + (<usize>(j * xa) << 2));
        store<f32>(py + (<usize>(j * ya) << 2), <f32>(v - <f64>top - logSum));
      }
    } else {
      const scale = <f32>(1 / sum);
      j = 0;
      if (ya == 1) {
        const s = f32x4.splat(scale);
        for (; j + 4 <= n; j += 4) {
          const p = py + (<usize>j << 2);
          v128.store(p, f32x4.mul(v128.load(p), s));
        }
      }
      for (; j < n; j++) {
        const p = py + (<usize>(j * ya) << 2);
        store<f32>(p, load<f32>(p) * scale);
      }
    }
  }
}
