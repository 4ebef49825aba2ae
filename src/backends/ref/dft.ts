/**
 * dft reference: for every line along the axis, read up to N points (zero-padding the rest) into
 * float64, transform, and store the requested points rounded to the output dtype.
 */
import type { KernelImpl } from '../backend.js';
import type { DftParams } from '../../kernels/dft.js';
import { forEachRow, lastStride } from '../../tensor/layout.js';
import type { ViewSpec } from '../../tensor/tensor.js';
import { createFourier, transform } from './fourier.js';

export const dftRef: KernelImpl<DftParams> = (plan, [x], [y]) => {
  const p = plan.params;
  const X = x!.data('dft');
  const Y = y!.data('dft');
  const n = p.length;
  const fourier = createFourier(n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const xStep = p.x.strides[p.axis]!;
  const xImag = lastStride(p.x.strides); // from a real part to its imaginary part
  const yStep = p.y.strides[p.axis]!;
  const yImag = lastStride(p.y.strides);
  forEachLine(p.x, p.y, p.axis, (xo, yo) => {
    re.fill(0);
    im.fill(0);
    for (let t = 0; t < p.inPoints; t++) {
      re[t] = X[xo + t * xStep] as number;
      im[t] = p.complexInput ? (X[xo + t * xStep + xImag] as number) : 0;
    }
    if (p.halfSpectrum) {
      fillHermitian(re, im);
    }
    transform(fourier, re, im, p.inverse);
    for (let k = 0; k < p.outPoints; k++) {
      Y[yo + k * yStep] = re[k]!;
      if (!p.halfSpectrum) {
        Y[yo + k * yStep + yImag] = im[k]!;
      }
    }
  });
};

/**
 * Turns a half spectrum (bins 0..floor(n/2); missing ones were left 0) into the full spectrum
 * of a real signal of length n: X[n - k] = conj(X[k]). The imaginary parts of the DC bin and
 * (for even n) the Nyquist bin reach only the imaginary part of the result, which is dropped,
 * so they are ignored, as numpy.fft.irfft ignores them.
 */
function fillHermitian(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  const half = Math.floor(n / 2);
  for (let k = half + 1; k < n; k++) {
    re[k] = re[n - k]!;
    im[k] = -im[n - k]!;
  }
}

/**
 * Calls visit(xOffset, yOffset) once per line: once for every index of the dims other than
 * `axis` and the trailing complex dim, with the offsets of that line's first element.
 */
function forEachLine(x: ViewSpec, y: ViewSpec, axis: number, visit: (xo: number, yo: number) => void): void {
  const dims = x.shape.map((_, d) => d).filter((d) => d !== axis && d !== x.shape.length - 1);
  // forEachRow visits every index of all dims but the last; a last dim of 1 makes that one
  // visit per line.
  const shape = [...dims.map((d) => x.shape[d]!), 1];
  const xStrides = [...dims.map((d) => x.strides[d]!), 0];
  const yStrides = [...dims.map((d) => y.strides[d]!), 0];
  forEachRow(shape, [xStrides, yStrides], [x.offset, y.offset], ([xo, yo]) => visit(xo!, yo!));
}
