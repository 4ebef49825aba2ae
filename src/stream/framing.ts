/**
 * Frame geometry for every padding mode, in one place: where frame i starts, how many frames a
 * whole signal has, which stream index each frame position reads, and when a frame is ready.
 * Pure functions of integers; the Framer and nothing else decides readiness through `lastRead`.
 *
 * All indices are stream indices (samples since the start of the stream), all lengths samples.
 */
import { fail } from '../errors.js';
import { checkPositive } from './checks.js';

/**
 * - `'none'`: Kaldi `snip_edges=true`. Frame i reads [hop*i, hop*i + L); a whole signal of N
 *   samples has `N < L ? 0 : 1 + floor((N - L) / hop)` frames; nothing is read outside it.
 * - `'kaldi'`: Kaldi `snip_edges=false`. Frame i starts at `hop*i + floor(hop/2) - floor(L/2)`;
 *   `floor((N + floor(hop/2)) / hop)` frames; outside the signal the edge sample is repeated
 *   (-1 -> 0, -2 -> 1, N -> N-1, N+1 -> N-2), reflecting again as often as a short signal needs.
 * - `'reflect'`: `center=True` of torch.stft / librosa. Frame t starts at `hop*t - floor(L/2)`;
 *   `1 + floor(N / hop)` frames; numpy 'reflect' (-1 -> 1, N -> N-2, the edge not repeated),
 *   reflecting again as often as a short signal needs, like numpy.pad (a 1-sample signal repeats).
 * - `'zero'`: the frames of `'reflect'` with zeros outside the signal.
 *
 * An empty stream (N = 0) has no frames in any mode: there is nothing to reflect.
 */
export type Padding = 'none' | 'kaldi' | 'reflect' | 'zero';

export const PADDINGS: readonly Padding[] = ['none', 'kaldi', 'reflect', 'zero'];

export interface FrameGeometry {
  /** Samples per frame (L). */
  readonly frameLength: number;
  /** Samples between the starts of consecutive frames. */
  readonly hop: number;
  readonly padding: Padding;
}

/** Validates options into a geometry; `ARGUMENT` for L < 1, hop < 1 or an unknown padding. */
export function frameGeometry(options: unknown, where: string): FrameGeometry {
  if (typeof options !== 'object' || options === null) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'options are missing', expected: '{ frameLength, hop, padding }', received: String(options) });
  }
  const { frameLength, hop, padding } = options as Record<string, unknown>;
  checkPositive(frameLength, where, 'frameLength', 'samples');
  checkPositive(hop, where, 'hop', 'samples');
  if (!PADDINGS.includes(padding as Padding)) {
    fail({
      code: 'ARGUMENT',
      kernel: where,
      problem: 'unknown padding',
      expected: PADDINGS.map((p) => `'${p}'`).join(' | '),
      received: typeof padding === 'string' ? `'${padding}'` : String(padding),
      hint: "'none' = Kaldi snip_edges=true, 'kaldi' = snip_edges=false, 'reflect' = torch.stft center=True",
    });
  }
  return { frameLength, hop, padding: padding as Padding };
}

/** Stream index of the first sample frame i covers (negative: it starts before the signal). */
export function frameStart(g: FrameGeometry, i: number): number {
  const base = g.hop * i;
  switch (g.padding) {
    case 'none':
      return base;
    case 'kaldi':
      return base + Math.floor(g.hop / 2) - Math.floor(g.frameLength / 2);
    default:
      return base - Math.floor(g.frameLength / 2);
  }
}

/** Frames of a whole signal of `n` samples: what a stream of `n` samples has emitted after end(). */
export function frameCount(g: FrameGeometry, n: number): number {
  if (n === 0) return 0;
  switch (g.padding) {
    case 'none':
      return n < g.frameLength ? 0 : 1 + Math.floor((n - g.frameLength) / g.hop);
    case 'kaldi':
      return Math.floor((n + Math.floor(g.hop / 2)) / g.hop);
    default:
      return 1 + Math.floor(n / g.hop);
  }
}

/**
 * THE readiness rule: the largest stream index frame i reads while the end of the signal is
 * unknown. Frame i is ready, and is emitted, as soon as that sample has arrived
 * (`lastRead(g, i) < samplesSeen`). Left of the signal a frame reads mirrored samples, which can
 * lie past its own end (reflect, L even: frame 0 reads sample L/2). Frames that read past the end
 * of the signal are never ready before end(): the end is what they wait for.
 * Non-decreasing in i, so frames become ready in order.
 */
export function lastRead(g: FrameGeometry, i: number): number {
  const s = frameStart(g, i);
  const right = s + g.frameLength - 1;
  if (s >= 0) return right;
  switch (g.padding) {
    case 'kaldi':
      return Math.max(right, -s - 1);
    case 'reflect':
      return Math.max(right, -s);
    default:
      return right;
  }
}

/**
 * The index in [0, n) that stream index j reads in a signal of n >= 1 samples known so far, or -1
 * for a zero. Used with n = samples seen: for a ready frame every j it reads gives the same
 * answer as with the final length (mirrored left indices lie below lastRead < n).
 */
export function sourceIndex(padding: Padding, j: number, n: number): number {
  if (j >= 0 && j < n) return j;
  switch (padding) {
    case 'zero':
    case 'none':
      return -1;
    case 'kaldi': {
      // Mirror about -0.5 and n - 0.5: period 2n.
      const m = mod(j, 2 * n);
      return m < n ? m : 2 * n - 1 - m;
    }
    case 'reflect': {
      // Mirror about 0 and n - 1: period 2(n - 1); a single sample reflects onto itself.
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const m = mod(j, period);
      return m < n ? m : period - m;
    }
  }
}

function mod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}
