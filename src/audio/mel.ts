/**
 * Mel filter banks in float64, as dense rows over the onesided spectrum bins 0..nFft/2 of an
 * nFft-point real FFT (bins[m][k]: the weight of power bin k in mel band m). Two constructions:
 *
 * - `slaney`: librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax) with htk=False (the Slaney /
 *   Auditory Toolbox scale: linear 200/3 Hz per mel below 1 kHz, logarithmic above), triangles
 *   between consecutive mel points in hertz, optionally scaled to unit area (norm='slaney':
 *   2 / (f[m+2] - f[m])). This is what Whisper's mel_filters.npz holds.
 * - `htk-kaldi`: Kaldi's MelBanks (mel = 1127 ln(1 + f / 700)), triangles in mel over the
 *   bins 0..nFft/2-1 (Kaldi's num_fft_bins = padded_window_size / 2: the Nyquist bin never
 *   carries weight, so its column is 0), no normalisation.
 */

export type MelScale = 'slaney' | 'htk-kaldi';
export type MelNorm = 'slaney' | 'none';

export interface MelBankOptions {
  readonly sampleRate: number;
  readonly nFft: number;
  readonly nMels: number;
  /** Lowest edge, hertz. */
  readonly fMin: number;
  /** Highest edge, hertz (at most sampleRate / 2). */
  readonly fMax: number;
  readonly melScale: MelScale;
  /** Area normalisation; only 'none' is meaningful for htk-kaldi (Kaldi never normalises). */
  readonly melNorm: MelNorm;
}

const SLANEY_HZ_PER_MEL = 200 / 3;
const SLANEY_LOG_HZ = 1000;
const SLANEY_LOG_MEL = SLANEY_LOG_HZ / SLANEY_HZ_PER_MEL; // 15
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

/** Hertz to Slaney mels (librosa.hz_to_mel, htk=False). */
export function slaneyMel(hz: number): number {
  return hz < SLANEY_LOG_HZ ? hz / SLANEY_HZ_PER_MEL : SLANEY_LOG_MEL + Math.log(hz / SLANEY_LOG_HZ) / SLANEY_LOG_STEP;
}

/** Slaney mels to hertz (librosa.mel_to_hz, htk=False). */
export function slaneyHz(mel: number): number {
  return mel < SLANEY_LOG_MEL ? mel * SLANEY_HZ_PER_MEL : SLANEY_LOG_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_LOG_MEL));
}

/** Hertz to Kaldi's HTK-style mels: 1127 ln(1 + f / 700). */
export function kaldiMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/**
 * The filter bank as nMels rows of nFft/2 + 1 weights each.
 * @example melBank({ sampleRate: 16000, nFft: 400, nMels: 80, fMin: 0, fMax: 8000, melScale: 'slaney', melNorm: 'slaney' }) // Whisper's mel_80
 */
export function melBank(o: MelBankOptions): Float64Array[] {
  return o.melScale === 'slaney' ? slaneyBank(o) : kaldiBank(o);
}

function slaneyBank(o: MelBankOptions): Float64Array[] {
  const bins = Math.floor(o.nFft / 2) + 1;
  const lo = slaneyMel(o.fMin);
  const hi = slaneyMel(o.fMax);
  // nMels + 2 points evenly spaced in mel (numpy.linspace: lo + i * step), back to hertz.
  const points = Float64Array.from({ length: o.nMels + 2 }, (_, i) => slaneyHz(lo + (i * (hi - lo)) / (o.nMels + 1)));
  const rows: Float64Array[] = [];
  for (let m = 0; m < o.nMels; m++) {
    const row = new Float64Array(bins);
    const left = points[m]!;
    const centre = points[m + 1]!;
    const right = points[m + 2]!;
    const scale = o.melNorm === 'slaney' ? 2 / (right - left) : 1;
    for (let k = 0; k < bins; k++) {
      // librosa.fft_frequencies: linspace(0, sr / 2, bins).
      const hz = (k * (o.sampleRate / 2)) / (bins - 1);
      const rising = (hz - left) / (centre - left);
      const falling = (right - hz) / (right - centre);
      row[k] = Math.max(0, Math.min(rising, falling)) * scale;
    }
    rows.push(row);
  }
  return rows;
}

function kaldiBank(o: MelBankOptions): Float64Array[] {
  const bins = Math.floor(o.nFft / 2) + 1;
  const binHz = o.sampleRate / o.nFft;
  const lo = kaldiMel(o.fMin);
  const hi = kaldiMel(o.fMax);
  const delta = (hi - lo) / (o.nMels + 1);
  const rows: Float64Array[] = [];
  for (let m = 0; m < o.nMels; m++) {
    const row = new Float64Array(bins);
    const left = lo + m * delta;
    const centre = lo + (m + 1) * delta;
    const right = lo + (m + 2) * delta;
    // Kaldi: bins 0 .. nFft/2 - 1 only, strictly inside (left, right).
    for (let k = 0; k < Math.floor(o.nFft / 2); k++) {
      const mel = kaldiMel(binHz * k);
      if (mel > left && mel < right) {
        row[k] = mel <= centre ? (mel - left) / (centre - left) : (right - mel) / (right - centre);
      }
    }
    rows.push(row);
  }
  return rows;
}
