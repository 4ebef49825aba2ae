/**
 * The demo's streaming part: real speech (the `audio-lena` recording: 12.3 s, 44.1 kHz, mono,
 * read by src/io's WAV reader) pushed into hp.featureStream in 10 ms chunks, as a microphone
 * would deliver it, resampled to 16 kHz inside the stream. For each preset: how much audio the
 * first frame waited for and how long it took to compute, the per-push latency (p50, p99), and
 * whether the streamed rows equal the offline ones (resample the whole recording, then hp.logMel
 * or hp.fbank) bit for bit. Whisper's global max-8 floor is applied to the streamed rows at the
 * end, as the offline function applies it to the whole recording.
 */
import { whisperFloor } from '../audio/logMel.js';
import { readAudio } from '../io/wav.js';
import type { Runtime } from '../runtime/runtime.js';
import { resample } from '../stream/resample.js';
import { quantile } from '../report/svg.js';

export interface StreamDemoRow {
  readonly preset: 'whisper-80' | 'kaldi-fbank';
  readonly frames: number;
  /** Input samples (44.1 kHz) pushed before the first row came. */
  readonly firstFrameSamples: number;
  /** Wall time from creating a stream to its first row, ms, on a warm runtime (a stream of this preset has run). */
  readonly firstFrameMs: number;
  /** The same for the process's first stream of the preset, which also builds the filter and FFT tables. */
  readonly coldFirstFrameMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Streamed rows equal the offline ones, bit for bit. */
  readonly identical: boolean;
  readonly maxAbsDiff: number;
}

export interface StreamDemo {
  readonly seconds: number;
  readonly sampleRate: number;
  readonly rows: readonly StreamDemoRow[];
  /** Why the part did not run (audio-lena is a development dependency). */
  readonly skipped?: string;
}

/** The recording's WAV bytes, or why there are none. */
async function lena(): Promise<Uint8Array | string> {
  try {
    const module = (await import('audio-lena/wav' as string)) as { default: ArrayBuffer };
    return new Uint8Array(module.default);
  } catch {
    return 'the audio-lena package is not installed (a development dependency of hotpath)';
  }
}


export async function streamDemo(hp: Runtime): Promise<StreamDemo> {
  const bytes = await lena();
  if (typeof bytes === 'string') {
    return { seconds: 0, sampleRate: 0, rows: [], skipped: bytes };
  }
  const audio = readAudio(bytes, { name: 'audio-lena/lena.wav' });
  const x = audio.samples;
  const rate = audio.sampleRate;
  const chunk = Math.round(rate / 100);
  const at16k = resample(x, rate, 16000);
  const rows: StreamDemoRow[] = [];
  for (const preset of ['whisper-80', 'kaldi-fbank'] as const) {
    const times: number[] = [];
    const parts: Float32Array[] = [];
    let firstFrameSamples = 0;
    let firstFrameMs = 0;
    const start = performance.now();
    const s = hp.featureStream({ preset, sampleRate: rate });
    for (let at = 0; at < x.length; at += chunk) {
      const t0 = performance.now();
      const out = s.push(x.subarray(at, at + chunk));
      const t1 = performance.now();
      times.push(t1 - t0);
      if (out.length > 0 && firstFrameSamples === 0) {
        firstFrameSamples = Math.min(x.length, at + chunk);
        firstFrameMs = t1 - start;
      }
      parts.push(out);
    }
    parts.push(s.end());
    const streamed = concat(parts);
    const bins = s.bins;
    const frames = streamed.length / bins;
    const expected = hp.scope(() => {
      const signal = hp.tensor(at16k, [at16k.length]);
      return (preset === 'whisper-80' ? hp.logMel(signal, { preset }) : hp.fbank(signal)).toArray() as Float32Array;
    });
    if (preset === 'whisper-80') {
      whisperFloor(streamed);
    }
    // hp.logMel is mel-major [bins, frames] like Whisper; the stream gives frame-major rows.
    const at = (f: number, m: number): number => (preset === 'whisper-80' ? expected[m * frames + f]! : expected[f * bins + m]!);
    let identical = expected.length === streamed.length;
    let maxAbsDiff = 0;
    for (let f = 0; identical && f < frames; f++) {
      for (let m = 0; m < bins; m++) {
        const a = streamed[f * bins + m]!;
        const b = at(f, m);
        identical &&= Object.is(a, b);
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a - b));
      }
    }
    const sorted = Float64Array.from(times.slice(100)).sort();
    rows.push({ preset, frames, firstFrameSamples, firstFrameMs: firstRow(hp, x, rate, chunk, preset), coldFirstFrameMs: firstFrameMs, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), identical, maxAbsDiff });
  }
  return { seconds: x.length / rate, sampleRate: rate, rows };
}

/** Wall time, ms, from creating a stream to its first row, fed `chunk`-sample pushes. */
function firstRow(hp: Runtime, x: Float32Array, rate: number, chunk: number, preset: StreamDemoRow['preset']): number {
  const start = performance.now();
  const s = hp.featureStream({ preset, sampleRate: rate });
  for (let at = 0; at < x.length && s.push(x.subarray(at, at + chunk)).length === 0; at += chunk) {
    // until the first row
  }
  const ms = performance.now() - start;
  s.end();
  return ms;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function formatStreamDemo(demo: StreamDemo): string[] {
  if (demo.skipped !== undefined) {
    return ['', `streaming speech features: skipped (${demo.skipped})`];
  }
  const lines = [
    '',
    `streaming speech features (hp.featureStream) on real speech: audio-lena, ${demo.seconds.toFixed(1)} s at ${demo.sampleRate} Hz, pushed in 10 ms chunks and resampled to 16 kHz in the stream`,
    '',
    '  preset        frames   first frame                                          per push p50 / p99     vs offline (resample, then hp.logMel / hp.fbank)',
  ];
  for (const r of demo.rows) {
    const first = `after ${((1000 * r.firstFrameSamples) / demo.sampleRate).toFixed(1)} ms of audio + ${r.firstFrameMs.toFixed(2)} ms (first stream: ${r.coldFirstFrameMs.toFixed(1)} ms)`;
    const agree = r.identical ? 'bit-identical' : `DIFFERS (max |diff| ${r.maxAbsDiff.toExponential(2)})`;
    lines.push(`  ${r.preset.padEnd(12)}  ${String(r.frames).padStart(6)}   ${first.padEnd(51)}  ${`${r.p50Ms.toFixed(3)} / ${r.p99Ms.toFixed(3)} ms`.padEnd(21)}  ${agree}`);
  }
  return lines;
}
