/**
 * `hotpath resample IN.wav|IN.npy --to 16000 --out OUT.npy [--rate R] [--dtype float32|float64] [--json]`:
 * a file converted to another sample rate by the streaming polyphase resampler (scipy's
 * resample_poly, exactly: see src/stream/resample.ts). WAV files (PCM 8-32 bit, float 32/64;
 * several channels averaged to mono) give their own rate; a .npy of samples (float32 or float64,
 * shape [n] or [n, 1]) needs `--rate`. The input kind is told by the file's first bytes.
 */
import { fail } from '../errors.js';
import { createRuntime } from '../runtime/runtime.js';
import { resample, type ResampleDType } from '../stream/resample.js';
import { rateRatio } from '../stream/resampleFilter.js';
import { rateOption, readAudioInput } from './audioInput.js';

export interface ResampleCommandOptions {
  readonly to: string;
  readonly out: string;
  readonly rate?: string;
  readonly dtype?: string;
  readonly json?: boolean;
}

export async function resampleCommand(file: string, opts: ResampleCommandOptions): Promise<number> {
  const to = rateOption('resample', '--to', opts.to);
  const rate = opts.rate === undefined ? undefined : rateOption('resample', '--rate', opts.rate);
  const dtype = opts.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') {
    fail({ code: 'ARGUMENT', kernel: 'resample', problem: 'invalid --dtype', expected: 'float32 or float64', received: dtype });
  }
  const hp = await createRuntime({ backends: ['ref'] });
  try {
    const input = readAudioInput(hp, file, rate, 'resample');
    const ratio = input.sampleRate === to ? { up: 1, down: 1, halfLen: 0 } : rateRatio(input.sampleRate, to, 'resample');
    const started = performance.now();
    const y = resample(input.samples, input.sampleRate, to, { dtype: dtype as ResampleDType });
    const seconds = (performance.now() - started) / 1000;
    const out = hp.tensor(y, [y.length], { name: 'resampled' });
    const info = hp.save(opts.out, out);
    out.release();
    const duration = input.samples.length / input.sampleRate;
    const summary = {
      input: file,
      kind: input.kind,
      format: input.format,
      channels: input.channels,
      from: input.sampleRate,
      to,
      up: ratio.up,
      down: ratio.down,
      taps: 2 * ratio.halfLen + 1,
      samplesIn: input.samples.length,
      samplesOut: y.length,
      durationSeconds: duration,
      out: opts.out,
      dtype,
      bytes: info.bytes,
      realTimeFactor: seconds > 0 ? duration / seconds : null,
    };
    process.stdout.write(
      opts.json === true
        ? `${JSON.stringify(summary)}\n`
        : `resampled ${file} (${input.kind}, ${input.sampleRate} Hz, ${duration.toFixed(3)} s) to ${to} Hz: ${input.samples.length} -> ${y.length} samples (${ratio.up}/${ratio.down}, ${summary.taps} taps), wrote ${opts.out} (${dtype}[${y.length}], ${info.bytes} bytes)\n`,
    );
    return 0;
  } finally {
    await hp.close();
  }
}
