/**
 * `hotpath resample IN.wav|IN.npy --to 16000 --out OUT.npy [--rate R] [--dtype float32|float64] [--json]`:
 * a file converted to another sample rate by the streaming polyphase resampler (scipy's
 * resample_poly, exactly: see src/stream/resample.ts). WAV files (PCM 8-32 bit, float 32/64;
 * several channels averaged to mono) give their own rate; a .npy of samples (float32 or float64,
 * shape [n] or [n, 1]) needs `--rate`. The input kind is told by the file's first bytes.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { fail } from '../errors.js';
import { readAudio, type WavFormat } from '../io/wav.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { resample, type ResampleDType } from '../stream/resample.js';
import { rateRatio } from '../stream/resampleFilter.js';

export interface ResampleCommandOptions {
  readonly to: string;
  readonly out: string;
  readonly rate?: string;
  readonly dtype?: string;
  readonly json?: boolean;
}

interface Input {
  readonly samples: Float32Array | Float64Array;
  readonly sampleRate: number;
  /** e.g. 'wav pcm16, 2 channels averaged' or 'npy float64'. */
  readonly kind: string;
  readonly format: WavFormat | 'npy float32' | 'npy float64';
  readonly channels: number;
}

function rateOption(flag: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < 1) {
    fail({ code: 'ARGUMENT', kernel: 'resample', problem: `invalid ${flag}`, expected: 'a sample rate in Hz, an integer >= 1', received: value });
  }
  return parsed;
}

/** 'wav', 'npy' or undefined, from the first bytes (not the name, which may lie). */
function kindOf(file: string): 'wav' | 'npy' | undefined {
  const head = new Uint8Array(6);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    return fail({ code: 'IO', kernel: 'resample', problem: `cannot read '${file}'`, expected: 'a readable file', received: error instanceof Error ? error.message : String(error) });
  }
  try {
    const n = readSync(fd, head, 0, head.length, 0);
    const text = String.fromCharCode(...head.subarray(0, n));
    if (text.startsWith('RIFF') || text.startsWith('RIFX') || text.startsWith('RF64')) {
      return 'wav';
    }
    return text === '\x93NUMPY' ? 'npy' : undefined;
  } finally {
    closeSync(fd);
  }
}

function readInput(hp: Runtime, file: string, rate: number | undefined): Input {
  const kind = kindOf(file);
  if (kind === 'wav') {
    const audio = readAudio(file);
    if (rate !== undefined && rate !== audio.sampleRate) {
      fail({ code: 'ARGUMENT', kernel: 'resample', problem: `--rate ${rate} disagrees with the rate in '${file}'`, expected: `no --rate, or --rate ${audio.sampleRate}`, received: `--rate ${rate}`, hint: 'a WAV file carries its own sample rate' });
    }
    const mixed = audio.channels > 1 ? `, ${audio.channels} channels averaged` : '';
    return { samples: audio.samples, sampleRate: audio.sampleRate, kind: `wav ${audio.format}${mixed}`, format: audio.format, channels: audio.channels };
  }
  if (kind === 'npy') {
    if (rate === undefined) {
      fail({ code: 'ARGUMENT', kernel: 'resample', problem: `'${file}' is a .npy file, which has no sample rate`, expected: '--rate R (Hz)', received: 'no --rate', hint: `e.g. hotpath resample ${file} --rate 44100 --to 16000 --out out.npy` });
    }
    const t = hp.load(file, { name: file });
    try {
      const mono = t.rank === 1 || (t.rank === 2 && t.shape[1] === 1);
      if (!mono || (t.dtype !== 'float32' && t.dtype !== 'float64')) {
        fail({ code: 'FORMAT', kernel: 'resample', problem: `'${file}' is not a mono signal`, expected: 'float32 or float64 samples of shape [n] or [n, 1]', received: t.describe(), hint: 'write one channel as a 1-D float array' });
      }
      // toArray copies out of the heap, in row-major order whatever the file's layout.
      const samples = t.toArray() as Float32Array | Float64Array;
      return { samples, sampleRate: rate, kind: `npy ${t.dtype}`, format: t.dtype === 'float32' ? 'npy float32' : 'npy float64', channels: 1 };
    } finally {
      t.release();
    }
  }
  return fail({ code: 'FORMAT', kernel: 'resample', problem: `'${file}' is neither a WAV nor a .npy file`, expected: "a file starting with 'RIFF' (WAV) or '\\x93NUMPY' (.npy)", received: 'other bytes' });
}

export async function resampleCommand(file: string, opts: ResampleCommandOptions): Promise<number> {
  const to = rateOption('--to', opts.to);
  const rate = opts.rate === undefined ? undefined : rateOption('--rate', opts.rate);
  const dtype = opts.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') {
    fail({ code: 'ARGUMENT', kernel: 'resample', problem: 'invalid --dtype', expected: 'float32 or float64', received: dtype });
  }
  const hp = await createRuntime({ backends: ['ref'] });
  try {
    const input = readInput(hp, file, rate);
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
