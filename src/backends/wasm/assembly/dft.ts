import { rowElement } from './rows';

import { prepare, transform, workIm, workRe } from './fft';

// dft along one axis, float32 in and out, float64 inside. Lines are indexed over a 3-d outer
// space (o0 x o1 x o2) with x strides (xs*) and y strides (ys*); along the line x steps by xa
// (xc from a real part to its imaginary part) and y by ya (yc likewise).
export function dftLines(
  x: usize, xs0: i32, xs1: i32, xs2: i32, xa: i32, xc: i32, complexIn: i32, inPoints: i32,
  y: usize, ys0: i32, ys1: i32, ys2: i32, ya: i32, yc: i32, outPoints: i32,
  n: i32, inverse: i32, half: i32, o1: i32, o2: i32, rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  if (rowStart >= rowEnd) {
    return;
  }
  prepare(n, scratch);
  const re = workRe();
  const im = workIm();
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, o1, o2, xs0, xs1, xs2) << 2);
    const py = y + (rowElement(r, o1, o2, ys0, ys1, ys2) << 2);
    memory.fill(re, 0, <usize>n << 3);
    memory.fill(im, 0, <usize>n << 3);
    for (let t = 0; t < inPoints; t++) {
      const p = px + (<usize>(t * xa) << 2);
      store<f64>(re + (<usize>t << 3), <f64>load<f32>(p));
      if (complexIn) {
        store<f64>(im + (<usize>t << 3), <f64>load<f32>(p + (<usize>xc << 2)));
      }
    }
    if (half) {
      // Half spectrum to the full spectrum of a real signal: X[n - k] = conj(X[k]). The
      // imaginary parts of DC and (even n) Nyquist are ignored, as numpy's irfft does; zeroing
      // them keeps Bluestein's rounding from leaking them into the real output.
      store<f64>(im, 0);
      if ((n & 1) == 0) {
        store<f64>(im + (<usize>(n / 2) << 3), 0);
      }
      for (let k = n / 2 + 1; k < n; k++) {
        store<f64>(re + (<usize>k << 3), load<f64>(re + (<usize>(n - k) << 3)));
        store<f64>(im + (<usize>k << 3), -load<f64>(im + (<usize>(n - k) << 3)));
      }
    }
    transform(n, inverse != 0);
    for (let k = 0; k < outPoints; k++) {
      const p = py + (<usize>(k * ya) << 2);
      store<f32>(p, <f32>load<f64>(re + (<usize>k << 3)));
      if (!half) {
        store<f32>(p + (<usize>yc << 2), <f32>load<f64>(im + (<usize>k << 3)));
      }
    }
  }
}
