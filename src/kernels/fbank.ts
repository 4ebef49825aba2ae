/**
 * fbank(frames, { ...pipeline }): mel filter-bank energies of already framed audio, the per-frame
 * core of Kaldi's fbank and Whisper's log-mel. frames is [n, frameLength] (float32 or float64);
 * the output is [n, nMels] of the same dtype ([nMels, n] with melMajor). For each frame, in this order:
 *   1. removeDc: subtract the frame's mean;
 *   2. preemph c (0 = off): x[i] -= c * x[i - 1] for i = L-1 .. 1, then x[0] -= c * x[0] (Kaldi);
 *   3. multiply by the window ('hann' periodic, 'povey', 'hamming', 'rectangular': src/audio/window.ts);
 *   4. zero-pad to nFft and take the power spectrum |rfft|^2 (bins 0 .. nFft/2);
 *   5. mel bands (src/audio/mel.ts): 'slaney' (librosa/Whisper) or 'htk-kaldi' (Kaldi's bins over
 *      FFT bins 0 .. nFft/2-1; the Nyquist bin carries no weight), melNorm 'slaney' or 'none';
 *   6. log: 'ln-kaldi' = ln(max(e, FLT_EPSILON)), 'log10-clamp' = log10(max(e, 1e-10)), 'none'.
 * Framing, padding and Whisper's global max-8 floor are not part of the kernel (src/audio/).
 * @example hp.run('fbank', [frames], { window: 'povey', nFft: 512, melScale: 'htk-kaldi', melNorm: 'none', fMin: 20, preemph: 0.97, removeDc: true, log: 'ln-kaldi' })
 * Throws SHAPE (frames not [n, frameLength], nFft < frameLength), DTYPE, ARGUMENT (attributes).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { melBank, type MelNorm, type MelScale } from '../audio/mel.js';
import { WINDOW_KINDS, type WindowKind } from '../audio/window.js';
import { boolAttr, defineKernel, finiteAttr, FLOATS, intAttr, type Inputs, type Plan, type Tolerance } from './kernel.js';

export type FbankLog = 'ln-kaldi' | 'log10-clamp' | 'none';

export interface FbankAttrs {
  removeDc?: boolean;
  /** Pre-emphasis coefficient in [0, 1]; 0 is off. */
  preemph?: number;
  window?: WindowKind;
  /** FFT length, >= frameLength (zero padded); default frameLength. */
  nFft?: number;
  /** Hertz. */
  sampleRate?: number;
  nMels?: number;
  /** Hertz. */
  fMin?: number;
  /** Hertz, at most sampleRate / 2; default sampleRate / 2. */
  fMax?: number;
  melScale?: MelScale;
  melNorm?: MelNorm;
  log?: FbankLog;
  /** Output [nMels, n] (each band's values over time contiguous, Whisper's layout) instead of [n, nMels]. */
  melMajor?: boolean;
}

/** Everything a backend needs, validated, with defaults resolved. */
export interface FbankParams {
  readonly frames: ViewSpec;
  readonly n: number;
  readonly frameLength: number;
  readonly removeDc: boolean;
  readonly preemph: number;
  readonly window: WindowKind;
  readonly nFft: number;
  readonly sampleRate: number;
  readonly nMels: number;
  readonly fMin: number;
  readonly fMax: number;
  readonly melScale: MelScale;
  readonly melNorm: MelNorm;
  readonly log: FbankLog;
  readonly melMajor: boolean;
}

const K = 'fbank';

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    return fail({ code: 'ARGUMENT', kernel: K, problem: `invalid ${name}`, expected: allowed.map((a) => `'${a}'`).join(' | '), received: String(value) });
  }
  return value as T;
}

// Log outputs lie in about [-16, 5]: a float32 FFT's rounding, relative to the largest output,
// stays near eps * log2(nFft) except in bands whose energy is many decades below the frame's
// peak, where the log magnifies it; 64 bounds what speech and noise give (kaldi's own float32
// run differs from float64 by <= 1e-3, README of the streaming reference data).
const LOG_TOLERANCE: Tolerance = { kind: 'spectral', factor: 64 };
// Mel power: each band's error is bounded through the frame's input, not its output (DC removal
// of a constant frame leaves float32 rounding where float64 leaves 0): see powerMagnitude.
const POWER_TOLERANCE: Tolerance = { kind: 'accumulated', factor: 2 };

/**
 * A bound on each mel power a float32 pipeline sums: with S = (1 + c)(1 + removeDc) sum |x_t|
 * (pre-emphasis c, DC removal at most doubling sum |x_t|) every |X_k| <= S, so band b's terms
 * total at most S^2 sum_k W[b, k]. The FFT's and the sums' rounding stays within
 * depth (nFft) * eps of that.
 */
function powerMagnitude(plan: Plan<FbankParams>, [frames]: Inputs): Float64Array[] {
  const p = plan.params;
  const weights = melBank(p).map((row) => row.reduce((sum, w) => sum + w, 0));
  const x = frames!.toArray() as Float32Array | Float64Array;
  const out = new Float64Array(p.n * p.nMels);
  for (let f = 0; f < p.n; f++) {
    let sum = 0;
    for (let t = 0; t < p.frameLength; t++) {
      sum += Math.abs(x[f * p.frameLength + t]!);
    }
    const s = sum * (1 + p.preemph) * (p.removeDc ? 2 : 1);
    weights.forEach((w, b) => {
      out[p.melMajor ? b * p.n + f : f * p.nMels + b] = s * s * w;
    });
  }
  return [out];
}

export const fbank = defineKernel<FbankAttrs, FbankParams>({
  name: K,
  inputs: [{ name: 'frames', dtypes: FLOATS }],
  outputs: ['y'],
  defaults: {
    removeDc: false,
    preemph: 0,
    window: 'hann',
    nFft: undefined,
    sampleRate: 16000,
    nMels: 80,
    fMin: 0,
    fMax: undefined,
    melScale: 'slaney',
    melNorm: 'slaney',
    log: 'none',
    melMajor: false,
  },
  tolerance: LOG_TOLERANCE,
  toleranceFor: (plan) => (plan.params.log === 'none' ? POWER_TOLERANCE : LOG_TOLERANCE),
  infer: ([framesInput], attrs) => {
    const frames = framesInput!;
    if (frames.rank !== 2) {
      fail({ code: 'SHAPE', kernel: K, problem: "input 'frames' must be [n, frameLength]", expected: 'rank 2', received: frames.describe(), hint: 'frame the signal first (src/audio: frameSignal)' });
    }
    const [n, frameLength] = frames.shape as [number, number];
    if (frameLength < 1) {
      fail({ code: 'SHAPE', kernel: K, problem: 'frames must hold at least one sample', expected: 'frameLength >= 1', received: frames.describe() });
    }
    const nFft = attrs.nFft === undefined ? frameLength : intAttr(K, 'nFft', attrs.nFft, 2);
    if (nFft < frameLength) {
      fail({ code: 'SHAPE', kernel: K, problem: 'nFft is shorter than a frame', expected: `nFft >= frameLength = ${frameLength}`, received: `nFft ${nFft} (${frames.describe()})`, hint: 'frames are zero padded to nFft, never truncated' });
    }
    const sampleRate = finiteAttr(K, 'sampleRate', attrs.sampleRate);
    if (!(sampleRate > 0)) {
      fail({ code: 'ARGUMENT', kernel: K, problem: 'invalid sampleRate', expected: 'a positive number of hertz', received: String(sampleRate) });
    }
    const nMels = intAttr(K, 'nMels', attrs.nMels, 1, 4096);
    const fMin = finiteAttr(K, 'fMin', attrs.fMin);
    const fMax = attrs.fMax === undefined ? sampleRate / 2 : finiteAttr(K, 'fMax', attrs.fMax);
    if (!(fMin >= 0 && fMin < fMax && fMax <= sampleRate / 2)) {
      fail({ code: 'ARGUMENT', kernel: K, problem: 'invalid frequency range', expected: `0 <= fMin < fMax <= sampleRate / 2 = ${sampleRate / 2}`, received: `fMin ${fMin}, fMax ${fMax}` });
    }
    const preemph = finiteAttr(K, 'preemph', attrs.preemph);
    if (!(preemph >= 0 && preemph <= 1)) {
      fail({ code: 'ARGUMENT', kernel: K, problem: 'invalid preemph', expected: 'a coefficient in [0, 1] (Kaldi: 0.97; 0 = off)', received: String(preemph) });
    }
    const melScale = oneOf<MelScale>('melScale', attrs.melScale, ['slaney', 'htk-kaldi']);
    const melNorm = oneOf<MelNorm>('melNorm', attrs.melNorm, ['slaney', 'none']);
    const params: FbankParams = {
      frames: { shape: frames.shape, strides: frames.strides, offset: frames.offset },
      n,
      frameLength,
      removeDc: boolAttr(K, 'removeDc', attrs.removeDc),
      preemph,
      window: oneOf<WindowKind>('window', attrs.window, WINDOW_KINDS),
      nFft,
      sampleRate,
      nMels,
      fMin,
      fMax,
      melScale,
      melNorm,
      log: oneOf<FbankLog>('log', attrs.log, ['ln-kaldi', 'log10-clamp', 'none']),
      melMajor: boolAttr(K, 'melMajor', attrs.melMajor),
    };
    return { outputs: [{ shape: params.melMajor ? [nMels, n] : [n, nMels], dtype: frames.dtype }], params };
  },
  cost: (plan) => {
    const p = plan.params;
    const bytes = dtypeInfo(plan.outputs[0]!.dtype).bytes;
    // Framing prep (~4 per sample), the FFT (~2.5 N log2 N for a real transform), the power (3 per
    // bin) and the mel bands (~2 weights per bin over all bands, 2 flops each).
    const perFrame = 4 * p.frameLength + 2.5 * p.nFft * Math.log2(p.nFft) + 7 * (p.nFft / 2 + 1) + 20 * p.nMels;
    return { flops: p.n * perFrame, bytes: p.n * (p.frameLength + p.nMels) * bytes };
  },
  depth: (plan) => plan.params.nFft,
  magnitude: powerMagnitude,
});
