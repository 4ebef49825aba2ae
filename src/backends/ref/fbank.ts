/**
 * fbank reference: each frame in float64, step by step as src/kernels/fbank.ts lists them (DC,
 * pre-emphasis, window, zero-padded FFT, power, dense mel rows, log), then rounded once to the
 * output dtype. The mel rows and windows come from src/audio/ (float64), the FFT from
 * fourier.ts (the dft/stft reference).
 */
import type { KernelImpl } from '../backend.js';
import type { FbankParams } from '../../kernels/fbank.js';
import { melBank } from '../../audio/mel.js';
import { analysisWindow } from '../../audio/window.js';
import { createFourier, transform } from './fourier.js';

/** float32's machine epsilon (Kaldi's FLT_EPSILON, the floor of 'ln-kaldi'). */
const FLT_EPSILON = 1.1920928955078125e-7;

export function fbankLog(kind: FbankParams['log'], e: number): number {
  switch (kind) {
    case 'ln-kaldi':
      return Math.log(Math.max(e, FLT_EPSILON));
    case 'log10-clamp':
      return Math.log10(Math.max(e, 1e-10));
    case 'none':
      return e;
  }
}

export const fbankRef: KernelImpl<FbankParams> = (plan, [frames], [y]) => {
  const p = plan.params;
  const X = frames!.data('fbank');
  const Y = y!.data('fbank');
  const L = p.frameLength;
  const window = analysisWindow(p.window, L);
  const bank = melBank(p);
  const fourier = createFourier(p.nFft);
  const x = new Float64Array(L);
  const re = new Float64Array(p.nFft);
  const im = new Float64Array(p.nFft);
  const power = new Float64Array(Math.floor(p.nFft / 2) + 1);
  const [rowStride, step] = p.frames.strides as [number, number];
  for (let f = 0; f < p.n; f++) {
    for (let t = 0; t < L; t++) {
      x[t] = X[p.frames.offset + f * rowStride + t * step] as number;
    }
    if (p.removeDc) {
      let sum = 0;
      for (let t = 0; t < L; t++) {
        sum += x[t]!;
      }
      const mean = sum / L;
      for (let t = 0; t < L; t++) {
        x[t] = x[t]! - mean;
      }
    }
    if (p.preemph !== 0) {
      for (let t = L - 1; t > 0; t--) {
        x[t] = x[t]! - p.preemph * x[t - 1]!;
      }
      x[0] = x[0]! - p.preemph * x[0]!;
    }
    re.fill(0);
    im.fill(0);
    for (let t = 0; t < L; t++) {
      re[t] = x[t]! * window[t]!;
    }
    transform(fourier, re, im, false);
    for (let k = 0; k < power.length; k++) {
      power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    }
    for (let m = 0; m < p.nMels; m++) {
      const row = bank[m]!;
      let e = 0;
      for (let k = 0; k < power.length; k++) {
        e += row[k]! * power[k]!;
      }
      Y[p.melMajor ? m * p.n + f : f * p.nMels + m] = fbankLog(p.log, e);
    }
  }
};
