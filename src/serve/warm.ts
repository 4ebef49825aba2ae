/**
 * Warm-up before a server accepts clients: a few seconds of synthetic int16 audio go through the
 * same steps a session takes for each binary message (decodePcm -> the stream's push -> encodeFrames),
 * untimed and unseen by /metrics. The first clients of a fresh process otherwise pay for what
 * happens once: the kernel's tables (FFT twiddles, mel bands, window: cached per runtime), the
 * resampler's filter design, and V8 compiling the per-chunk path through its tiers. Measured
 * before this existed: 64 streams on a fresh `hotpath serve` had a chunk-to-frame p99 of 38-44 ms
 * over the first 10 s, against 3.6 ms on a server already warm (issue 12 closing note).
 */
import { performance } from 'node:perf_hooks';
import { decodePcm, encodeFrames } from './protocol.js';
import type { FeatureStreamFactory } from './types.js';

export interface WarmUpOptions {
  /** Presets to warm (each one's tables are built once per runtime). */
  readonly presets: readonly string[];
  /** Client sample rates to warm (a rate other than the preset's adds the resampler). */
  readonly sampleRates: readonly number[];
  /** Seconds of audio per (preset, rate), in 10 ms and 20 ms messages (default 4). */
  readonly seconds?: number;
}

/**
 * Runs the warm-up; returns its wall time in ms. A preset or rate the factory refuses is skipped
 * (the handshake reports it to the client that asks for it).
 * @example const ms = warmUp(factory, { presets: ['whisper-80'], sampleRates: [16000] })
 */
export function warmUp(factory: FeatureStreamFactory, options: WarmUpOptions): number {
  const start = performance.now();
  const seconds = options.seconds ?? 4;
  for (const preset of options.presets) {
    for (const sampleRate of options.sampleRates) {
      let stream;
      try {
        stream = factory({ preset, sampleRate });
      } catch {
        continue;
      }
      const bytes = speechLike(Math.round(seconds * sampleRate), sampleRate);
      let frame = 0;
      let chunk = 0;
      // Half the audio in 10 ms messages, half in 20 ms ones (what clients commonly send).
      for (let at = 0; at < bytes.length; chunk++) {
        const ms = at < bytes.length / 2 ? 10 : 20;
        const size = 2 * Math.max(1, Math.round((sampleRate * ms) / 1000));
        const rows = stream.push(decodePcm(bytes.subarray(at, Math.min(bytes.length, at + size)), 'int16'));
        if (rows.length > 0) {
          encodeFrames(rows, stream.bins, frame, chunk);
          frame += rows.length / stream.bins;
        }
        at += size;
      }
      stream.end();
    }
  }
  return performance.now() - start;
}

/** int16 little-endian samples: a gliding tone with a slow envelope and a little noise. */
function speechLike(samples: number, rate: number): Uint8Array {
  const out = new Uint8Array(2 * samples);
  const view = new DataView(out.buffer);
  let seed = 12345;
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const t = i / rate;
    phase += (2 * Math.PI * (150 + 100 * Math.sin(2 * Math.PI * 0.5 * t))) / rate;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    const v = 8000 * envelope * Math.sin(phase) + ((seed >>> 16) - 32768) / 32;
    view.setInt16(2 * i, Math.max(-32768, Math.min(32767, Math.round(v))), true);
  }
  return out;
}
