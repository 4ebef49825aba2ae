/**
 * The speech front ends as fbank kernel attributes plus their framing.
 * - `whisper-80` / `whisper-128`: Whisper's log_mel_spectrogram (n_fft 400, hop 160, periodic
 *   Hann, Slaney mels with Slaney norm over 0-8000 Hz, log10 of max(e, 1e-10)), torch.stft
 *   center=True framing without the last frame; the global max-8 floor and (x + 4) / 4 come after
 *   (whisperFloor in logMel.ts).
 * - `kaldi-fbank`: kaldi-native-fbank's FbankOptions defaults with dither 0 and 80 bins: 25 ms /
 *   10 ms at 16 kHz, DC removal, pre-emphasis 0.97, Povey window, FFT 512, HTK-style mels
 *   20 Hz-Nyquist, ln(max(e, FLT_EPSILON)); snip_edges true unless asked otherwise.
 * - `knf-whisper`: kaldi-native-fbank's OnlineWhisperFbank: Whisper's Hann/Slaney mel power
 *   ('none' log) with Kaldi snip_edges=false framing.
 */
import type { FbankAttrs } from '../kernels/fbank.js';
import type { FrameOptions } from './frame.js';

export type PresetName = 'whisper-80' | 'whisper-128' | 'kaldi-fbank' | 'knf-whisper';

export const PRESET_NAMES: readonly PresetName[] = ['whisper-80', 'whisper-128', 'kaldi-fbank', 'knf-whisper'];

export interface Preset {
  readonly frame: FrameOptions;
  readonly attrs: Required<Omit<FbankAttrs, 'fMax' | 'melMajor'>> & { readonly fMax: number };
}

function whisper(nMels: number): Preset {
  return {
    frame: { frameLength: 400, hop: 160, padding: 'reflect', dropLast: true },
    attrs: { removeDc: false, preemph: 0, window: 'hann', nFft: 400, sampleRate: 16000, nMels, fMin: 0, fMax: 8000, melScale: 'slaney', melNorm: 'slaney', log: 'log10-clamp' },
  };
}

/** The preset's framing and kernel attributes; `snipEdges` applies to kaldi-fbank only. */
export function presetOf(name: PresetName, snipEdges = true): Preset {
  switch (name) {
    case 'whisper-80':
      return whisper(80);
    case 'whisper-128':
      return whisper(128);
    case 'kaldi-fbank':
      return {
        frame: { frameLength: 400, hop: 160, padding: snipEdges ? 'none' : 'kaldi' },
        attrs: { removeDc: true, preemph: 0.97, window: 'povey', nFft: 512, sampleRate: 16000, nMels: 80, fMin: 20, fMax: 8000, melScale: 'htk-kaldi', melNorm: 'none', log: 'ln-kaldi' },
      };
    case 'knf-whisper':
      return {
        frame: { frameLength: 400, hop: 160, padding: 'kaldi' },
        attrs: { ...whisper(80).attrs, log: 'none' },
      };
  }
}
