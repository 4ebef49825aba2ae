/**
 * stft reference: for every batch entry and frame, window the frame's samples in float64, run
 * the forward transform of length frameLength and store the first `bins` bins.
 */
import type { KernelImpl } from '../backend.js';
import type { StftParams } from '../../kernels/stft.js';
import { createFourier, transform } from './fourier.js';

export const stftRef: KernelImpl<StftParams> = (plan, [signal, window], [y]) => {
  const p = plan.params;
  const S = signal!.data('stft');
  const W = window?.data('stft');
  const Y = y!.data('stft');
  const n = p.frameLength;
  const fourier = createFourier(n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const [sBatch, sTime, sImag] = p.signal.strides as [number, number, number];
  const [yBatch, yFrame, yBin, yImag] = p.y.strides as [number, number, number, number];
  const batch = p.signal.shape[0]!;
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < p.frames; f++) {
      const start = p.signal.offset + b * sBatch + f * p.frameStep * sTime;
      for (let t = 0; t < n; t++) {
        const w = W === undefined ? 1 : (W[p.window!.offset + t * p.window!.strides[0]!] as number);
        const at = start + t * sTime;
        re[t] = (S[at] as number) * w;
        im[t] = p.complexInput ? (S[at + sImag] as number) * w : 0;
      }
      transform(fourier, re, im, false);
      const out = p.y.offset + b * yBatch + f * yFrame;
      for (let k = 0; k < p.bins; k++) {
        Y[out + k * yBin] = re[k]!;
        Y[out + k * yBin + yImag] = im[k]!;
      }
    }
  }
};
