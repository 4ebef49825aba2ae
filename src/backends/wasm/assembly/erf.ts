// erf in float64 by the same series / continued fraction as the reference (backends/ref/erf.ts):
// the series for |x| < 2, 1 - erfc by the continued fraction for 2 <= |x| < 6, and 1 beyond
// (erfc(6) is below half an ulp of 1). Scalar: the series' length depends on x.

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;

export function erfSeries(x: f64): f64 {
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

export function erfcFraction(x: f64): f64 {
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


export function erfOne(x: f64): f64 {
  if (x != x) {
    return x;
  }
  const z = Math.abs(x);
  const y = z >= 6 ? 1 : z >= 2 ? 1 - erfcFraction(z) : erfSeries(z);
  return x < 0 ? -y : y;
}
