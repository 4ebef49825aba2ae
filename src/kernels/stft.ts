/**
 * stft(signal, window?, { frameStep, frameLength, onesided }): the short-time Fourier
 * transform, as ONNX STFT-17.
 *
 * signal is [batch, length, 1] (real) or [batch, length, 2] (complex, interleaved re, im).
 * Frame f starts at sample f * frameStep and holds frameLength samples, each multiplied by
 * window[t] when a window is given (same dtype as the signal); its forward DFT fills row f.
 * frames = 1 + floor((length - frameLength) / frameStep); bins = floor(frameLength / 2) + 1
 * when onesided (the default; real signals only), else frameLength. frameLength defaults to the
 * window's length, or to the whole signal without a window. Output [batch, frames, bins, 2].
 * Throws SHAPE (ranks, trailing dim, window length, frame longer than the signal), DTYPE,
 * ARGUMENT (frameStep, frameLength, onesided on a complex signal).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { outputView } from './broadcast.js';
import { boolAttr, defineKernel, FLOATS, intAttr, sameDType } from './kernel.js';
import { isComplexSignal, requiredAttr, SPECTRAL_TOLERANCE } from './spectral.js';

export interface StftAttrs {
  /** Samples between the starts of consecutive frames, >= 1. Required. */
  frameStep?: number;
  /** Samples per frame (and DFT length); must equal the window's length when one is given. */
  frameLength?: number;
  onesided?: boolean;
}

export interface StftParams {
  readonly signal: ViewSpec;
  readonly window: ViewSpec | undefined;
  /** Row-major output view [batch, frames, bins, 2]. */
  readonly y: ViewSpec;
  readonly complexInput: boolean;
  readonly frameStep: number;
  readonly frameLength: number;
  readonly frames: number;
  readonly bins: number;
}

export const stft = defineKernel<StftAttrs, StftParams>({
  name: 'stft',
  inputs: [
    { name: 'signal', dtypes: FLOATS },
    { name: 'window', dtypes: FLOATS, optional: true },
  ],
  outputs: ['y'],
  defaults: { frameStep: undefined, frameLength: undefined, onesided: true },
  tolerance: SPECTRAL_TOLERANCE,
  infer: ([signalInput, window], attrs) => {
    const signal = signalInput!;
    if (signal.rank !== 3) {
      fail({ code: 'SHAPE', kernel: 'stft', problem: "input 'signal' must be [batch, length, 1 or 2]", expected: 'rank 3', received: signal.describe(), hint: 'reshape a mono signal [n] to [1, n, 1]' });
    }
    const complexInput = isComplexSignal('stft', 'signal', signal);
    const dtype = sameDType('stft', [signal, window]);
    const frameStep = intAttr('stft', 'frameStep', requiredAttr('stft', 'frameStep', attrs.frameStep, 'an integer >= 1'), 1);
    const onesided = boolAttr('stft', 'onesided', attrs.onesided);
    if (onesided && complexInput) {
      fail({ code: 'ARGUMENT', kernel: 'stft', problem: 'a onesided transform needs a real signal', expected: 'signal with a trailing dim of 1', received: signal.describe(), hint: 'set onesided: false for complex signals' });
    }
    const length = signal.shape[1]!;
    const frameLength = resolveFrameLength(attrs.frameLength, window, length);
    if (frameLength > length) {
      fail({ code: 'SHAPE', kernel: 'stft', problem: 'the frame is longer than the signal', expected: `at least ${frameLength} samples (frameLength)`, received: signal.describe() });
    }
    const frames = 1 + Math.floor((length - frameLength) / frameStep);
    const bins = onesided ? Math.floor(frameLength / 2) + 1 : frameLength;
    const shape = [signal.shape[0]!, frames, bins, 2];
    const windowView = window === undefined ? undefined : { shape: window.shape, strides: window.strides, offset: window.offset };
    return {
      outputs: [{ shape, dtype }],
      params: { signal: { shape: signal.shape, strides: signal.strides, offset: signal.offset }, window: windowView, y: outputView(shape), complexInput, frameStep, frameLength, frames, bins },
    };
  },
  cost: (plan) => {
    const p = plan.params;
    const transforms = p.signal.shape[0]! * p.frames;
    const bytes = dtypeInfo(plan.outputs[0]!.dtype).bytes;
    return { flops: 5 * transforms * p.frameLength * Math.log2(2 + p.frameLength), bytes: (sizeOf(p.signal.shape) + sizeOf(p.y.shape)) * bytes };
  },
  depth: (plan) => plan.params.frameLength,
});

function resolveFrameLength(attr: number | undefined, window: Tensor | undefined, length: number): number {
  if (window === undefined) {
    // ONNX: without a window or frame_length, one frame spans the whole signal.
    return attr === undefined ? intAttr('stft', 'frameLength (the signal length, by default)', length, 1) : intAttr('stft', 'frameLength', attr, 1);
  }
  if (window.rank !== 1) {
    return fail({ code: 'SHAPE', kernel: 'stft', problem: "input 'window' must be one-dimensional", expected: '[frameLength]', received: window.describe() });
  }
  const windowLength = window.shape[0]!;
  if (attr !== undefined && attr !== windowLength) {
    return fail({ code: 'SHAPE', kernel: 'stft', problem: 'the window length differs from frameLength', expected: `a window of ${String(attr)} samples`, received: window.describe(), hint: 'leave frameLength out to take it from the window' });
  }
  return intAttr('stft', 'frameLength (the window length)', windowLength, 1);
}
