/**
 * WAV files to mono float32 samples, decoded by the `wavefile` library (rochars/wavefile, MIT)
 * after wavHeader.ts has checked the file's structure against its real length.
 *
 * Formats: PCM 8 (unsigned), 16, 24, 32 bit, IEEE float 32 and 64 bit, plain or
 * WAVE_FORMAT_EXTENSIBLE. Integers are scaled by 2^-(bits-1) (8-bit: (v-128)/128), as
 * numpy/soundfile users expect: int16 v becomes v/32768, exactly. Multi-channel files are
 * averaged to mono (sum of the channels in float64, divided by the channel count, rounded once
 * to float32); `channels` in the result says how many there were.
 *
 * Memory: the file's bytes plus 4 bytes per frame for the result; the decode runs sample by
 * sample, so no per-channel float64 copies are made.
 */
import { readFileSync, statSync } from 'node:fs';
import wavefile from 'wavefile';
import { fail, HotpathError } from '../errors.js';
import { parseWavHeader, type WavFormat, type WavLayout } from './wavHeader.js';

export type { WavFormat } from './wavHeader.js';

export interface Audio {
  /** Mono samples in [-1, 1) for integer formats (float formats as stored). */
  readonly samples: Float32Array;
  /** Hz, from the file's header. */
  readonly sampleRate: number;
  /** Channels in the file (averaged into `samples`). */
  readonly channels: number;
  readonly format: WavFormat;
}

export interface ReadAudioOptions {
  /** Names the bytes in error messages when no path is given. Default 'bytes'. */
  readonly name?: string;
  /** Largest file accepted, in bytes (default 2^31 - 1, the most one read can return). */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 2 ** 31 - 1;

/** What an integer sample is multiplied by, and subtracted first (8-bit WAV is unsigned). */
const SCALE: Readonly<Record<WavFormat, { offset: number; scale: number }>> = {
  pcm8: { offset: 128, scale: 1 / 128 },
  pcm16: { offset: 0, scale: 1 / 32768 },
  pcm24: { offset: 0, scale: 1 / 8388608 },
  pcm32: { offset: 0, scale: 1 / 2147483648 },
  float32: { offset: 0, scale: 1 },
  float64: { offset: 0, scale: 1 },
};

/** wavefile's name for each format's sample type (its `bitDepth`). */
const BIT_DEPTH: Readonly<Record<WavFormat, string>> = { pcm8: '8', pcm16: '16', pcm24: '24', pcm32: '32', float32: '32f', float64: '64' };

/** The fields of wavefile's loosely typed object that this module reads. */
interface WaveFileView {
  readonly bitDepth: string;
  readonly fmt: { readonly numChannels?: unknown };
  readonly data: { readonly samples?: { readonly length: number } };
  getSample(index: number): number;
}

/**
 * Reads a WAV file (a path, or the file's bytes) as mono float32 samples.
 * @example const { samples, sampleRate } = readAudio('speech.wav'); // Float32Array, 22050
 * @throws FORMAT naming the file for anything that is not a complete PCM / IEEE-float WAV
 *   (truncated, not RIFF/WAVE, other codecs, absurd channel counts, rates or sizes), IO when
 *   the path cannot be read, ARGUMENT for a source that is neither a path nor bytes
 */
export function readAudio(source: string | Uint8Array, options: ReadAudioOptions = {}): Audio {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let bytes: Uint8Array;
  let name: string;
  let owned: boolean;
  if (typeof source === 'string') {
    name = source;
    bytes = readLimited(source, maxBytes);
    owned = true;
  } else if (source instanceof Uint8Array) {
    name = options.name ?? 'bytes';
    if (source.length > maxBytes) {
      tooLarge(name, source.length, maxBytes);
    }
    bytes = source;
    owned = false;
  } else {
    return fail({ code: 'ARGUMENT', kernel: 'readAudio', problem: 'needs a path or the bytes of a WAV file', expected: 'string or Uint8Array', received: source === null ? 'null' : typeof source });
  }
  const layout = parseWavHeader(bytes, name);
  if (layout.extensible) {
    // wavefile decodes an extensible header by its bit count alone (float32 would be read as
    // int32); the samples are the same as under the plain tag, so give it the plain tag.
    bytes = owned ? bytes : bytes.slice();
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint16(layout.tagOffset, layout.format.startsWith('float') ? 3 : 1, true);
  }
  const wav = decode(bytes, name);
  checkAgreement(wav, layout, name);
  return { samples: mixToMono(wav, layout), sampleRate: layout.sampleRate, channels: layout.channels, format: layout.format };
}

function readLimited(path: string, maxBytes: number): Uint8Array {
  try {
    const size = statSync(path).size;
    if (size > maxBytes) {
      tooLarge(path, size, maxBytes);
    }
    return readFileSync(path);
  } catch (error) {
    if (error instanceof HotpathError) {
      throw error;
    }
    return fail({ code: 'IO', kernel: 'readAudio', problem: `cannot read '${path}'`, expected: 'a readable file', received: error instanceof Error ? error.message : String(error) });
  }
}

function tooLarge(name: string, size: number, maxBytes: number): never {
  return fail({ code: 'FORMAT', kernel: 'readAudio', problem: `'${name}' is larger than the limit`, expected: `at most ${maxBytes} bytes`, received: `${size} bytes`, hint: 'raise maxBytes, or split the file' });
}

function decode(bytes: Uint8Array, name: string): WaveFileView {
  try {
    return new wavefile.WaveFile(bytes) as unknown as WaveFileView;
  } catch (error) {
    return fail({ code: 'FORMAT', kernel: 'readAudio', problem: `'${name}' cannot be decoded`, expected: 'a WAV file wavefile can read', received: error instanceof Error ? error.message : String(error), cause: error });
  }
}

/** The library must have found what the header check found; a disagreement is a bad file. */
function checkAgreement(wav: WaveFileView, layout: WavLayout, name: string): void {
  const read = `${String(wav.fmt.numChannels)} channels, ${String(wav.data.samples?.length)} data bytes, ${wav.bitDepth}-bit`;
  const expected = `${layout.channels} channels, ${layout.dataBytes} data bytes, ${BIT_DEPTH[layout.format]}-bit`;
  if (read !== expected) {
    fail({ code: 'FORMAT', kernel: 'readAudio', problem: `'${name}' has an ambiguous structure (e.g. two fmt or data chunks)`, expected, received: read });
  }
}

function mixToMono(wav: WaveFileView, layout: WavLayout): Float32Array {
  const { offset, scale } = SCALE[layout.format];
  const channels = layout.channels;
  const out = new Float32Array(layout.frames);
  for (let frame = 0; frame < layout.frames; frame++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      sum += (wav.getSample(frame * channels + c) - offset) * scale;
    }
    out[frame] = channels === 1 ? sum : sum / channels;
  }
  return out;
}
