/**
 * The samples of an audio file for the CLI's audio commands (resample, features): a WAV file
 * (read by src/io's WAV reader: PCM 8-32 bit, float 32/64, channels averaged to mono; its own
 * sample rate) or a .npy of samples (float32 or float64, [n] or [n, 1]; the rate from `--rate`).
 * The kind is told by the file's first bytes, not its name.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { fail } from '../errors.js';
import { readAudio, type WavFormat } from '../io/wav.js';
import type { Runtime } from '../runtime/runtime.js';

export interface AudioInput {
  readonly samples: Float32Array | Float64Array;
  readonly sampleRate: number;
  /** e.g. 'wav pcm16, 2 channels averaged' or 'npy float64'. */
  readonly kind: string;
  readonly format: WavFormat | 'npy float32' | 'npy float64';
  readonly channels: number;
}

/** A sample rate option, Hz. @throws ARGUMENT */
export function rateOption(where: string, flag: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < 1) {
    fail({ code: 'ARGUMENT', kernel: where, problem: `invalid ${flag}`, expected: 'a sample rate in Hz, an integer >= 1', received: value });
  }
  return parsed;
}

/** 'wav', 'npy' or undefined, from the first bytes (not the name, which may lie). */
function kindOf(file: string, where: string): 'wav' | 'npy' | undefined {
  const head = new Uint8Array(6);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    return fail({ code: 'IO', kernel: where, problem: `cannot read '${file}'`, expected: 'a readable file', received: error instanceof Error ? error.message : String(error) });
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

/**
 * The file's samples, rate and kind. A .npy plays at `rate`, or at `npyDefaultRate` when no rate is given.
 * @throws IO (unreadable), FORMAT (neither WAV nor .npy, a bad WAV, a .npy that is not a mono float signal), ARGUMENT (no --rate for a .npy, a --rate that contradicts the WAV)
 */
export function readAudioInput(hp: Runtime, file: string, rate: number | undefined, where: string, npyDefaultRate?: number): AudioInput {
  const kind = kindOf(file, where);
  if (kind === 'wav') {
    const audio = readAudio(file);
    if (rate !== undefined && rate !== audio.sampleRate) {
      fail({ code: 'ARGUMENT', kernel: where, problem: `--rate ${rate} disagrees with the rate in '${file}'`, expected: `no --rate, or --rate ${audio.sampleRate}`, received: `--rate ${rate}`, hint: 'a WAV file carries its own sample rate' });
    }
    const mixed = audio.channels > 1 ? `, ${audio.channels} channels averaged` : '';
    return { samples: audio.samples, sampleRate: audio.sampleRate, kind: `wav ${audio.format}${mixed}`, format: audio.format, channels: audio.channels };
  }
  if (kind === 'npy') {
    rate ??= npyDefaultRate;
    if (rate === undefined) {
      fail({ code: 'ARGUMENT', kernel: where, problem: `'${file}' is a .npy file, which has no sample rate`, expected: '--rate R (Hz)', received: 'no --rate', hint: `e.g. hotpath ${where} ${file} --rate 44100 ...` });
    }
    const t = hp.load(file, { name: file });
    try {
      const mono = t.rank === 1 || (t.rank === 2 && t.shape[1] === 1);
      if (!mono || (t.dtype !== 'float32' && t.dtype !== 'float64')) {
        fail({ code: 'FORMAT', kernel: where, problem: `'${file}' is not a mono signal`, expected: 'float32 or float64 samples of shape [n] or [n, 1]', received: t.describe(), hint: 'write one channel as a 1-D float array' });
      }
      // toArray copies out of the heap, in row-major order whatever the file's layout.
      const samples = t.toArray() as Float32Array | Float64Array;
      return { samples, sampleRate: rate, kind: `npy ${t.dtype}`, format: t.dtype === 'float32' ? 'npy float32' : 'npy float64', channels: 1 };
    } finally {
      t.release();
    }
  }
  return fail({ code: 'FORMAT', kernel: where, problem: `'${file}' is neither a WAV nor a .npy file`, expected: "a file starting with 'RIFF' (WAV) or '\\x93NUMPY' (.npy)", received: 'other bytes' });
}

