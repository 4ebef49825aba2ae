/**
 * Analysis windows in float64, as the speech front ends define them (L = frame length):
 * - `hann`: periodic Hann, 0.5 - 0.5 cos(2 pi n / L) (torch.hann_window(L), Whisper);
 * - `povey`: Kaldi's, (0.5 - 0.5 cos(2 pi n / (L - 1)))^0.85;
 * - `hamming`: Kaldi's symmetric Hamming, 0.54 - 0.46 cos(2 pi n / (L - 1));
 * - `rectangular`: all ones.
 */

export type WindowKind = 'hann' | 'povey' | 'hamming' | 'rectangular';

export const WINDOW_KINDS: readonly WindowKind[] = ['hann', 'povey', 'hamming', 'rectangular'];

/**
 * The window's L samples.
 * @example analysisWindow('povey', 400)[0] // 0
 */
export function analysisWindow(kind: WindowKind, length: number): Float64Array {
  const w = new Float64Array(length);
  // The symmetric windows divide by L - 1; a one-sample frame gets weight 1 (Kaldi's a = 2 pi / (L - 1) is inf there).
  const symmetric = length > 1 ? (2 * Math.PI) / (length - 1) : 0;
  for (let n = 0; n < length; n++) {
    switch (kind) {
      case 'hann':
        w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length);
        break;
      case 'povey':
        w[n] = length > 1 ? Math.pow(0.5 - 0.5 * Math.cos(symmetric * n), 0.85) : 1;
        break;
      case 'hamming':
        w[n] = length > 1 ? 0.54 - 0.46 * Math.cos(symmetric * n) : 1;
        break;
      case 'rectangular':
        w[n] = 1;
        break;
    }
  }
  return w;
}
