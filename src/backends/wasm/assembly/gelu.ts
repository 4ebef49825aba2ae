// gelu over a 4-d strided x (as relu.ts), float32 in and out, computed per element in float64
// with the same series / continued fraction as the reference's erf (backends/ref/erf.ts) so
// the tail for x << 0 keeps its relative precision. approximate: 0 = erf, 1 = tanh.
import { rowElement } from './rows';

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const SQRT_2_OVER_PI: f64 = 0.7978845608028654;

function erfSeries(x: f64): f64 {
  // erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), x in [0, 2).
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / <f64>(2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) {
      break;
    }
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

function erfcFraction(x: f64): f64 {
  // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), x >= 2, Lentz.
  if (x > 27) {
    return 0;
  }
  const tiny: f64 = 1e-300;
  let f = x;
  let c = x;
  let d: f64 = 0;
  for (let k = 1; k < 500; k++) {
    const a = <f64>k / 2;
    d = x + a * d;
    if (d == 0) d = tiny;
    c = x + a / c;
    if (c == 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) {
      break;
    }
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

// Phi(x) * 2 = 1 + erf(x / sqrt 2), written so neither tail cancels.
function twicePhi(x: f64): f64 {
  const z = Math.abs(x) / Math.SQRT2;
  const tail = z >= 6 ? 0 : z >= 2 ? erfcFraction(z) : 1 - erfSeries(z);
  return x >= 0 ? 2 - tail : tail;
}

function geluOne(v: f64, approximate: i32): f64 {
  if (v != v) {
    return v;
  }
  if (approximate) {
    // 0.5 v (1 + tanh u) = v / (1 + e) for u >= 0 and v e / (1 + e) for u < 0, e = exp(-2|u|):
    // one exp instead of tanh, and no cancellation in 1 + tanh u for u << 0.
    const u = SQRT_2_OVER_PI * (v + 0.044715 * v * v * v);
    const e = Math.exp(-2 * Math.abs(u));
    return (u >= 0 ? v : v * e) / (1 + e);
  }
  return 0.5 * v * twicePhi(v);
}

export function gelu(approximate: i32, x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + ((rowElement(r, d1, d2, x0, x1, x2)) << 2);
    const py = y + ((<usize>r * <usize>d3) << 2);
    for (let j = 0; j < d3; j++) {
      const v = <f64>load<f32>(px + (<usize>(j * x3) << 2));
      store<f32>(py + (<usize>j << 2), <f32>geluOne(v, approximate));
    }
  }
}
