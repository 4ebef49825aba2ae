/**
 * Streaming speech features: PCM chunks of any size in (at any sample rate: other rates than the
 * preset's go through the streaming Resampler), feature frames out as soon as the samples they
 * read have arrived. The same Framer and the same `fbank` kernel as the offline `logMel` /
 * `fbank` functions, so a stream gives the offline frames bit for bit, whatever the chunking
 * (tested on the conformance speech).
 *
 * Whisper's presets: the stream emits the kernel's log10(max(e, 1e-10)) rows, frame-major. Its
 * last step, the max-8 floor, is global over the whole signal, so no frame is final before the
 * end: apply `whisperFloor` (src/audio/logMel.ts) over the frames a model is fed, as Whisper
 * applies it over the whole log-mel it computes; over all of a stream's rows it gives
 * hp.logMel's values bit for bit (transposed: hp.logMel is mel-major like Whisper).
 */
import { fail } from '../errors.js';
import { presetOf, PRESET_NAMES, type Preset, type PresetName } from '../audio/presets.js';
import type { Runtime } from '../runtime/runtime.js';
import { Framer } from './framer.js';
import { Resampler } from './resample.js';

export interface FeatureStreamOptions {
  /** 'whisper-80' | 'whisper-128' | 'kaldi-fbank' | 'knf-whisper'. */
  readonly preset: PresetName;
  /** Sample rate of the pushed samples, Hz (default the preset's 16000; others are resampled). */
  readonly sampleRate?: number;
  /** kaldi-fbank only: Kaldi's snip_edges (default true). */
  readonly snipEdges?: boolean;
}

const EMPTY = new Float32Array(0);

/**
 * One stream of features. `push` returns the rows that became ready (row-major [count, bins],
 * possibly empty), `end` the rest.
 *
 * ```ts
 * const s = hp.featureStream({ preset: 'kaldi-fbank', sampleRate: 48000 });
 * for await (const chunk of mic) send(s.push(chunk));
 * send(s.end());
 * ```
 * Throws ARGUMENT (unknown preset, bad rate), DTYPE (a chunk that is not a Float32Array),
 * LIFETIME (push after end).
 */
export class FeatureStream {
  readonly preset: PresetName;
  readonly bins: number;
  readonly sampleRate: number;
  readonly frameLength: number;
  readonly hop: number;
  /** Rows returned so far. */
  framesOut = 0;
  /** Samples pushed so far, at the input rate. */
  samplesIn = 0;
  readonly #hp: Runtime;
  readonly #preset: Preset;
  readonly #framer: Framer;
  readonly #resampler: Resampler | undefined;
  readonly #dropLast: boolean;
  #frames = new Float32Array(0);

  /** `filterOf(from, to)`: the resampler's designed taps for a rate pair, kept by the caller (the runtime). */
  constructor(hp: Runtime, options: FeatureStreamOptions, filterOf?: (from: number, to: number) => Float64Array) {
    if (!PRESET_NAMES.includes(options.preset)) {
      fail({ code: 'ARGUMENT', kernel: 'featureStream', problem: 'unknown preset', expected: PRESET_NAMES.join(', '), received: String(options.preset) });
    }
    this.#hp = hp;
    this.preset = options.preset;
    this.#preset = presetOf(options.preset, options.snipEdges ?? true);
    const rate = this.#preset.attrs.sampleRate;
    this.sampleRate = options.sampleRate ?? rate;
    this.#resampler = this.sampleRate === rate ? undefined : new Resampler({ from: this.sampleRate, to: rate, ...(filterOf === undefined ? {} : { taps: filterOf(this.sampleRate, rate) }) });
    this.frameLength = this.#preset.frame.frameLength;
    this.hop = this.#preset.frame.hop;
    this.bins = this.#preset.attrs.nMels;
    this.#framer = new Framer({ frameLength: this.frameLength, hop: this.hop, padding: this.#preset.frame.padding });
    // Whisper keeps N // hop frames of torch.stft's 1 + N // hop (it drops the last one).
    this.#dropLast = this.#preset.frame.dropLast === true;
  }

  push(samples: Float32Array): Float32Array {
    const x = this.#resampler === undefined ? samples : this.#resampler.push(samples);
    this.samplesIn += samples.length;
    const frames = this.#room(this.#framer.framesAfter(x.length));
    return this.#features(this.#framer.pushInto(x, frames));
  }

  end(): Float32Array {
    let count = 0;
    if (this.#resampler !== undefined) {
      const tail = this.#resampler.end();
      count = this.#framer.pushInto(tail, this.#room(this.#framer.framesAfter(tail.length)));
    }
    const atEnd = this.#framer.framesAtEnd();
    const frames = this.#room(count + atEnd, count);
    count += this.#framer.endInto(frames, count * this.frameLength);
    return this.#features(this.#dropLast && count > 0 ? count - 1 : count);
  }

  /** The frame buffer, grown to `frames` frames, keeping the first `keep`. */
  #room(frames: number, keep = 0): Float32Array {
    const need = frames * this.frameLength;
    if (this.#frames.length < need) {
      const grown = new Float32Array(Math.max(need, 2 * this.#frames.length));
      grown.set(this.#frames.subarray(0, keep * this.frameLength));
      this.#frames = grown;
    }
    return this.#frames;
  }

  #features(count: number): Float32Array {
    if (count === 0) {
      return EMPTY;
    }
    const hp = this.#hp;
    const input = hp.tensor(this.#frames.subarray(0, count * this.frameLength), [count, this.frameLength]);
    try {
      const [rows] = hp.run('fbank', [input], this.#preset.attrs);
      try {
        this.framesOut += count;
        return rows!.toArray() as Float32Array;
      } finally {
        rows!.release();
      }
    } finally {
      input.release();
    }
  }
}

