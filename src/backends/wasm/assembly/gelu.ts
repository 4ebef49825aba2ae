// gelu over a 4-d strided x (as relu.ts), float32 in and out, computed per element in float64
// with the same series / continued fraction as the reference's erf (backends/ref/erf.ts) so
// the tail for x << 0 keeps its relative precision. approximate: 0 = erf, 1 = tanh.
import { rowElement } from './rows';
import { erfSeries, erfcFraction } from './erf';

const SQRT_2_OVER_PI: f64 = 0.7978845608028654;

// Phi(x) * 2 = 1 + erf(x / sqrt 2), written so neither tail cancels.
function twicePhi(x: f64): f64 {
  const z = Math.abs(x) / Math.SQRT2;
  // erfc keeps its relative precision out to z = 27 (where it underflows), which float64
  // results need (float32 ones would not).
  const tail = z >= 2 ? erfcFraction(z) : 1 - erfSeries(z);
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

// The same over float64 x and y (the same float64 arithmetic, without the final rounding).
export function geluF64(approximate: i32, x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + ((rowElement(r, d1, d2, x0, x1, x2)) << 3);
    const py = y + ((<usize>r * <usize>d3) << 3);
    for (let j = 0; j < d3; j++) {
      store<f64>(py + (<usize>j << 3), geluOne(load<f64>(px + (<usize>(j * x3) << 3)), approximate));
    }
  }
}
