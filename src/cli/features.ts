/**
 * `hotpath features IN.wav|IN.npy --preset whisper-80|whisper-128|kaldi-fbank [--snip-edges true|false]
 * [--rate R] [--out OUT.npy] [--json]`: speech features of a whole file. The samples come from the
 * WAV reader (rate from the file) or a .npy (`--rate`); other rates than 16 kHz are resampled
 * first (scipy's resample_poly, exactly). Whisper presets write [nMels, frames] like
 * whisper.audio.log_mel_spectrogram; kaldi-fbank writes [frames, 80] like kaldi-native-fbank.
 */
import { fail } from '../errors.js';
import { createRuntime } from '../runtime/runtime.js';
import { resample } from '../stream/resample.js';
import { rateOption, readAudioInput, type AudioInput } from './audioInput.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';

export interface FeaturesCommandOptions {
  readonly preset: string;
  readonly snipEdges?: string;
  readonly rate?: string;
  readonly out?: string;
  readonly json?: boolean;
}

const PRESETS = ['whisper-80', 'whisper-128', 'kaldi-fbank'] as const;
const RATE = 16000;

export function snipEdgesOf(preset: string, value: string | undefined): boolean | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (preset !== 'kaldi-fbank') {
    fail({ code: 'ARGUMENT', kernel: 'features', problem: `--snip-edges applies to kaldi-fbank only`, expected: 'no --snip-edges with a Whisper preset (Whisper centres its frames)', received: `--preset ${preset} --snip-edges ${value}` });
  }
  if (value !== 'true' && value !== 'false') {
    fail({ code: 'ARGUMENT', kernel: 'features', problem: 'invalid --snip-edges', expected: 'true or false', received: value });
  }
  return value === 'true';
}

/** The features of one file as `hotpath features` computes them (also each shard of `hotpath batch features`). */
export interface ComputedFeatures {
  readonly input: AudioInput;
  /** [nMels, frames] (Whisper) or [frames, 80] (kaldi-fbank), float32; the caller releases it. */
  readonly features: Tensor;
  /** Seconds spent resampling and computing (not reading). */
  readonly seconds: number;
}

/**
 * Reads an audio file, resamples it to 16 kHz when needed and computes a preset's features.
 * @example const { features } = computeFeatures(hp, 'a.wav', { preset: 'whisper-80' }, 'features')
 * @throws ARGUMENT (unknown preset, bad --snip-edges), IO, FORMAT (what readAudioInput throws)
 */
export function computeFeatures(hp: Runtime, file: string, opts: { readonly preset: string; readonly snipEdges?: boolean | undefined; readonly rate?: number | undefined }, where: string): ComputedFeatures {
  const preset = opts.preset;
  if (!(PRESETS as readonly string[]).includes(preset)) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'unknown --preset', expected: PRESETS.join(', '), received: preset });
  }
  const snipEdges = opts.snipEdges;
  const input = readAudioInput(hp, file, opts.rate, where);
  const started = performance.now();
  const samples = input.sampleRate === RATE ? input.samples : resample(input.samples, input.sampleRate, RATE);
  const signal = hp.tensor(samples instanceof Float32Array ? samples : Float32Array.from(samples), [samples.length], { name: 'signal' });
  try {
    const features =
      preset === 'kaldi-fbank'
        ? hp.fbank(signal, { ...(snipEdges === undefined ? {} : { snipEdges }) })
        : hp.logMel(signal, { preset: preset as 'whisper-80' | 'whisper-128' });
    return { input, features, seconds: (performance.now() - started) / 1000 };
  } finally {
    signal.release();
  }
}

export async function featuresCommand(file: string, opts: FeaturesCommandOptions): Promise<number> {
  const preset = opts.preset;
  if (!(PRESETS as readonly string[]).includes(preset)) {
    fail({ code: 'ARGUMENT', kernel: 'features', problem: 'unknown --preset', expected: PRESETS.join(', '), received: preset });
  }
  const snipEdges = snipEdgesOf(preset, opts.snipEdges);
  const hp = await createRuntime();
  try {
    const rate = opts.rate === undefined ? undefined : rateOption('features', '--rate', opts.rate);
    const { input, features, seconds } = computeFeatures(hp, file, { preset, snipEdges, rate }, 'features');
    const saved = opts.out === undefined ? undefined : hp.save(opts.out, features);
    const duration = input.samples.length / input.sampleRate;
    const summary = {
      input: file,
      kind: input.kind,
      sampleRate: input.sampleRate,
      resampledTo: input.sampleRate === RATE ? undefined : RATE,
      seconds: duration,
      preset,
      ...(snipEdges === undefined ? {} : { snipEdges }),
      shape: [...features.shape],
      layout: preset === 'kaldi-fbank' ? '[frames, bins]' : '[nMels, frames]',
      backend: Object.keys(hp.stats().kernels.fbank?.backends ?? {}).join(', '),
      computeMs: 1000 * seconds,
      realTime: duration / seconds,
      ...(saved === undefined ? {} : { out: opts.out }),
    };
    features.release();
    if (opts.json === true) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      const lines = [
        `features ${preset}${snipEdges === undefined ? '' : ` (snip_edges ${snipEdges})`} of ${file} (${input.kind}, ${input.sampleRate} Hz, ${duration.toFixed(2)} s)`,
        `  ${input.sampleRate === RATE ? 'at 16000 Hz' : `resampled ${input.sampleRate} -> 16000 Hz`}, ${summary.layout} = [${summary.shape.join(', ')}] float32 on ${summary.backend}`,
        `  ${summary.computeMs.toFixed(1)} ms, ${summary.realTime.toFixed(0)}x real time`,
        opts.out === undefined ? '  (no --out: nothing written)' : `  wrote ${opts.out}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    await hp.close();
  }
}
