// softmax / logSoftmax along one axis, float64 (the float32 build is softmax.ts; same line
// indexing: a 3-d outer space o0 x o1 x o2, each line n elements at stride xa in x and ya in
// y). Per line, as ref computes it: the max; the shift d = x - max (rounded as ref rounds it);
// e = exp(d) on two lanes (exp64.ts, about 1 ulp) summed in element order (ref's order, so
// the sum differs from ref's only by the exps' rounding); then y = e / sum, or
// y = d - log(sum) for logSoftmax. A NaN anywhere makes the sum and so the whole line NaN,
// as in ref.

import { expNonPositive64 } from './exp64';
import { rowElement } from './rows';

@inline function lineBase(r: i32, o1: i32, o2: i32, s0: i32, s1: i32, s2: i32): usize {
  return rowElement(r, o1, o2, s0, s1, s2) << 3;
}

// The max of a line; pmax skips NaN, which is fine (see above).
function lineMax(px: usize, n: i32, xa: i32): f64 {
  let top: f64 = -Infinity;
  let j = 0;
  if (xa == 1) {
    let m0 = f64x2.splat(-Infinity);
    let m1 = m0;
    for (; j + 4 <= n; j += 4) {
      const p = px + (<usize>j << 3);
      m0 = f64x2.pmax(m0, v128.load(p));
      m1 = f64x2.pmax(m1, v128.load(p, 16));
    }
    const m = f64x2.pmax(m0, m1);
    top = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  }
  for (; j < n; j++) {
    top = max(top, load<f64>(px + (<usize>(j * xa) << 3)));
  }
  return top;
}

// e^d for one value through the two-lane exp.
@inline function exp1(d: f64): f64 {
  return f64x2.extract_lane(expNonPositive64(f64x2.splat(d)), 0);
}

export function softmaxLinesF64(
  log: i32,
  x: usize, xs0: i32, xs1: i32, xs2: i32, xa: i32,
  y: usize, ys0: i32, ys1: i32, ys2: i32, ya: i32,
  o1: i32, o2: i32, n: i32, rowStart: i32, rowEnd: i32,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + lineBase(r, o1, o2, xs0, xs1, xs2);
    const py = y + lineBase(r, o1, o2, ys0, ys1, ys2);
    const top = lineMax(px, n, xa);
    const negTop = f64x2.splat(-top);
    let sum: f64 = 0;
    let j = 0;
    if (xa == 1 && ya == 1) {
      for (; j + 2 <= n; j += 2) {
        const e = expNonPositive64(f64x2.add(v128.load(px + (<usize>j << 3)), negTop));
        sum += f64x2.extract_lane(e, 0);
        sum += f64x2.extract_lane(e, 1);
        if (!log) {
          v128.store(py + (<usize>j << 3), e);
        }
      }
    }
    for (; j < n; j++) {
      const e = exp1(load<f64>(px + (<usize>(j * xa) << 3)) - top);
      sum += e;
      if (!log) {
        store<f64>(py + (<usize>(j * ya) << 3), e);
      }
    }
    j = 0;
    if (log) {
      const logSum = Math.log(sum);
      if (xa == 1 && ya == 1) {
        const vlog = f64x2.splat(logSum);
        for (; j + 2 <= n; j += 2) {
          v128.store(py + (<usize>j << 3), f64x2.sub(f64x2.add(v128.load(px + (<usize>j << 3)), negTop), vlog));
        }
      }
      for (; j < n; j++) {
        store<f64>(py + (<usize>(j * ya) << 3), load<f64>(px + (<usize>(j * xa) << 3)) - top - logSum);
      }
      continue;
    }
    if (ya == 1) {
      const vs = f64x2.splat(sum);
      for (; j + 2 <= n; j += 2) {
        const p = py + (<usize>j << 3);
        v128.store(p, f64x2.div(v128.load(p), vs));
      }
    }
    for (; j < n; j++) {
      const p = py + (<usize>(j * ya) << 3);
      store<f64>(p, load<f64>(p) / sum);
    }
  }
}
