/**
 * Offline framing of a whole signal for the speech presets, through the streaming Framer
 * (src/stream/framer.ts), so offline and streaming features cut identical frames. Paddings:
 * 'none' (Kaldi snip_edges=true), 'kaldi' (snip_edges=false, mirrored edges), 'reflect'
 * (torch.stft center=True). `dropLast` drops the last frame, as Whisper drops the last STFT
 * frame (N // hop frames instead of 1 + N // hop).
 */
import { Framer, type FramerOptions } from '../stream/framer.js';
import { frameCount as framerCount, frameGeometry } from '../stream/framing.js';

export interface FrameOptions extends FramerOptions {
  readonly dropLast?: boolean;
}

/** The frames a signal of `n` samples gives (the Framer's count, less the dropped one). */
export function frameCount(n: number, o: FrameOptions): number {
  const all = framerCount(frameGeometry(o, 'frameCount'), n);
  return o.dropLast === true ? Math.max(0, all - 1) : all;
}

/**
 * Writes every frame of `signal` (dropLast ignored) into `out`, row-major from element 0;
 * `out` holds at least (frameCount without dropLast) * frameLength floats. Returns that count.
 */
export function frameInto(signal: Float32Array, o: FrameOptions, out: Float32Array): number {
  const framer = new Framer({ frameLength: o.frameLength, hop: o.hop, padding: o.padding });
  const first = framer.pushInto(signal, out, 0);
  return first + framer.endInto(out, first * o.frameLength);
}

/**
 * The kept frames of `signal`, row-major [frameCount, frameLength].
 * @example frameSignal(x, { frameLength: 400, hop: 160, padding: 'none' }).length // 400 * (1 + (x.length - 400) // 160)
 */
export function frameSignal(signal: Float32Array, o: FrameOptions): Float32Array {
  const all = new Float32Array(frameCount(signal.length, { ...o, dropLast: false }) * o.frameLength);
  frameInto(signal, o, all);
  return all.subarray(0, frameCount(signal.length, o) * o.frameLength);
}
