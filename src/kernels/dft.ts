/**
 * dft(x, { axis, inverse, onesided, length }): the discrete Fourier transform along one axis,
 * as ONNX DFT-20.
 *
 * x is [..., 1] (real) or [..., 2] (complex, interleaved re, im); `axis` counts over the full
 * rank including that trailing dim and must name a signal dim: [-r, -2] or [0, r - 2]
 * (default -2, the dim just before it). `length` (ONNX dft_length) zero-pads or truncates the
 * signal along the axis to N points. Forward: Y[k] = sum_t x[t] exp(-2 pi i k t / N); inverse
 * uses exp(+2 pi i k t / N) and scales by 1/N. The output is complex [..., N, 2], except:
 * - forward + onesided (real input only): the first floor(N/2) + 1 bins, [..., N/2 + 1, 2];
 * - inverse + onesided: x is a half spectrum of m bins and the output is the real signal
 *   [..., N, 1] with N = length ?? 2 (m - 1), as numpy.fft.irfft (the imaginary parts of the
 *   DC and Nyquist bins are ignored).
 * Throws SHAPE (rank, trailing dim, empty axis), DTYPE, ARGUMENT (axis, length, onesided on a
 * complex forward input).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/layout.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { outputView } from './broadcast.js';
import { boolAttr, defineKernel, FLOATS, intAttr } from './kernel.js';
import { isComplexSignal, SPECTRAL_TOLERANCE } from './spectral.js';

export interface DftAttrs {
  /** The signal axis, over the full rank including the trailing complex dim. Default -2. */
  axis?: number;
  inverse?: boolean;
  onesided?: boolean;
  /** Transform length N (ONNX dft_length), >= 1. Default: the axis length (2 (m - 1) for irfft). */
  length?: number;
}

export interface DftParams {
  readonly x: ViewSpec;
  /** Row-major output view. */
  readonly y: ViewSpec;
  /** Signal axis, normalised to [0, rank - 2]; the same index in x and y. */
  readonly axis: number;
  readonly complexInput: boolean;
  readonly inverse: boolean;
  /** Inverse of a half spectrum to a real signal (numpy irfft). */
  readonly halfSpectrum: boolean;
  /** Transform length N. */
  readonly length: number;
  /** Points read from x along the axis (the rest of the N inputs are zero). */
  readonly inPoints: number;
  /** Points written to y along the axis. */
  readonly outPoints: number;
}

export const dft = defineKernel<DftAttrs, DftParams>({
  name: 'dft',
  inputs: [{ name: 'x', dtypes: FLOATS }],
  outputs: ['y'],
  defaults: { axis: -2, inverse: false, onesided: false, length: undefined },
  tolerance: SPECTRAL_TOLERANCE,
  infer: ([input], attrs) => {
    const x = input!;
    const rank = x.rank;
    if (rank < 2) {
      fail({ code: 'SHAPE', kernel: 'dft', problem: "input 'x' needs a signal dim and a trailing complex dim", expected: 'rank >= 2 ([..., n, 1] or [..., n, 2])', received: x.describe() });
    }
    const complexInput = isComplexSignal('dft', 'x', x);
    const axis = signalAxis(attrs.axis, rank);
    const inverse = boolAttr('dft', 'inverse', attrs.inverse);
    const onesided = boolAttr('dft', 'onesided', attrs.onesided);
    if (onesided && !inverse && complexInput) {
      fail({ code: 'ARGUMENT', kernel: 'dft', problem: 'a onesided forward transform needs real input', expected: 'x with a trailing dim of 1', received: x.describe(), hint: 'set onesided: false for complex input' });
    }
    const halfSpectrum = onesided && inverse;
    const m = x.shape[axis]!;
    const length = attrs.length === undefined ? (halfSpectrum ? 2 * (m - 1) : m) : intAttr('dft', 'length', attrs.length, 1);
    if (length < 1) {
      fail({
        code: 'SHAPE',
        kernel: 'dft',
        problem: `axis ${axis} is too short to imply a transform length`,
        expected: halfSpectrum ? 'at least 2 bins along the axis' : 'at least 1 point along the axis',
        received: x.describe(),
        hint: 'pass length explicitly',
      });
    }
    const halfBins = Math.floor(length / 2) + 1;
    const inPoints = Math.min(m, halfSpectrum ? halfBins : length);
    const outPoints = onesided && !inverse ? halfBins : length;
    const shape = x.shape.map((d, i) => (i === axis ? outPoints : d));
    shape[rank - 1] = halfSpectrum ? 1 : 2;
    return {
      outputs: [{ shape, dtype: x.dtype }],
      params: { x: { shape: x.shape, strides: x.strides, offset: x.offset }, y: outputView(shape), axis, complexInput, inverse, halfSpectrum, length, inPoints, outPoints },
    };
  },
  cost: (plan) => {
    const p = plan.params;
    const lines = sizeOf(p.x.shape.filter((_, i) => i !== p.axis && i !== p.x.shape.length - 1));
    const bytes = dtypeInfo(plan.outputs[0]!.dtype).bytes;
    return { flops: 5 * lines * p.length * Math.log2(2 + p.length), bytes: (sizeOf(p.x.shape) + sizeOf(p.y.shape)) * bytes };
  },
  depth: (plan) => plan.params.length,
});

/** Resolves `axis` over the full rank r: valid in [-r, -2] or [0, r - 2]. Throws ARGUMENT. */
function signalAxis(axis: unknown, rank: number): number {
  const ok = typeof axis === 'number' && Number.isInteger(axis) && ((axis >= -rank && axis <= -2) || (axis >= 0 && axis <= rank - 2));
  if (!ok) {
    return fail({
      code: 'ARGUMENT',
      kernel: 'dft',
      problem: 'axis out of range (it counts the trailing complex dim but may not name it)',
      expected: `an integer in [${-rank}, -2] or [0, ${rank - 2}]`,
      received: String(axis),
    });
  }
  return axis < 0 ? axis + rank : axis;
}
