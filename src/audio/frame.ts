/**
 * Offline framing of a whole signal for the speech presets: where frame i starts, how many frames
 * there are, and how samples beyond the edges are filled. A plain function for now; the streaming
 * Framer (src/stream/) frames the same way chunk by chunk and will replace it here, so that both
 * paths cut identical frames.
 *
 * Edge modes (N samples, frame length L, hop H):
 * - `snip`: Kaldi snip_edges=true: 1 + (N - L) // H frames (0 if N < L), frame i at H i.
 * - `kaldi-mirror`: Kaldi snip_edges=false: (N + H // 2) // H frames, frame i at
 *   H i - (L - H) // 2, samples mirrored with the edge repeated (-1 -> 0, N -> N - 1).
 * - `reflect`: torch.stft(center=True, pad_mode='reflect') as Whisper uses it, without its last
 *   frame: N // H frames, frame i at H i - L // 2, reflected without repeating the edge
 *   (-1 -> 1, N -> N - 2).
 */

export type EdgeMode = 'snip' | 'kaldi-mirror' | 'reflect';

export interface FrameOptions {
  readonly frameLength: number;
  readonly hop: number;
  readonly edges: EdgeMode;
}

/** The number of frames a signal of `n` samples gives. */
export function frameCount(n: number, o: FrameOptions): number {
  switch (o.edges) {
    case 'snip':
      return n < o.frameLength ? 0 : 1 + Math.floor((n - o.frameLength) / o.hop);
    case 'kaldi-mirror':
      return Math.floor((n + Math.floor(o.hop / 2)) / o.hop);
    case 'reflect':
      return Math.floor(n / o.hop);
  }
}

/** The first sample of frame `i` (negative before the signal's start). */
export function frameStart(i: number, o: FrameOptions): number {
  switch (o.edges) {
    case 'snip':
      return o.hop * i;
    case 'kaldi-mirror':
      return o.hop * i - Math.floor((o.frameLength - o.hop) / 2);
    case 'reflect':
      return o.hop * i - Math.floor(o.frameLength / 2);
  }
}

/** The sample index that stands for index `s` (possibly outside [0, n)). */
function sourceIndex(s: number, n: number, edges: EdgeMode): number {
  if (n === 1) {
    return 0;
  }
  let i = s;
  while (i < 0 || i >= n) {
    if (edges === 'reflect') {
      i = i < 0 ? -i : 2 * n - 2 - i;
    } else {
      i = i < 0 ? -i - 1 : 2 * n - 1 - i;
    }
  }
  return i;
}

/**
 * All frames of `signal`, row-major [frames, frameLength], float32.
 * @example frameSignal(x, { frameLength: 400, hop: 160, edges: 'snip' }).length // 400 * (1 + (x.length - 400) // 160)
 */
export function frameSignal(signal: ArrayLike<number>, o: FrameOptions): Float32Array {
  const n = signal.length;
  const count = frameCount(n, o);
  const out = new Float32Array(count * o.frameLength);
  for (let f = 0; f < count; f++) {
    const start = frameStart(f, o);
    const row = f * o.frameLength;
    for (let t = 0; t < o.frameLength; t++) {
      const s = start + t;
      out[row + t] = signal[s >= 0 && s < n ? s : sourceIndex(s, n, o.edges)]!;
    }
  }
  return out;
}
