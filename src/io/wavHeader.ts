/**
 * The checks readAudio makes on a WAV file's structure before the wavefile library decodes it.
 * wavefile (11.0) accepts truncated data chunks (it reads what is there), data sizes larger
 * than the file, 0 or 65535 channels, 12-bit samples and MP3/ADPCM format tags, and reads
 * WAVE_FORMAT_EXTENSIBLE float as integers; so every field that decides how many samples exist
 * and what they mean is checked here against the bytes actually present. Nothing is allocated
 * from a header value: sizes are compared with the file's length first.
 *
 * Layout (little-endian RIFF): "RIFF" u32 "WAVE", then chunks of id (4 bytes) + u32 size + body,
 * each padded to an even length. "fmt " holds u16 tag, u16 channels, u32 rate, u32 byteRate,
 * u16 blockAlign, u16 bits (+ cbSize, validBits, channelMask, 16-byte subformat GUID for the
 * extensible tag 0xFFFE).
 */
import { fail } from '../errors.js';

export type WavFormat = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

/** What the header says and where the samples are, checked against the file's length. */
export interface WavLayout {
  readonly format: WavFormat;
  readonly channels: number;
  /** Hz. */
  readonly sampleRate: number;
  /** Bytes per frame (one sample of every channel). */
  readonly blockAlign: number;
  /** Byte offset of the data chunk's body. */
  readonly dataOffset: number;
  /** Bytes of sample data (a whole number of frames). */
  readonly dataBytes: number;
  /** Samples per channel. */
  readonly frames: number;
  /** Byte offset of the fmt chunk's format tag (0xFFFE for WAVE_FORMAT_EXTENSIBLE). */
  readonly tagOffset: number;
  readonly extensible: boolean;
}

/** More channels than any real layout (WAVEFORMATEXTENSIBLE names 18 positions). */
export const MAX_CHANNELS = 256;
/** Hz; well above any audio rate in use (768 kHz is the highest common one). */
export const MAX_SAMPLE_RATE = 10_000_000;

const TAG_PCM = 1;
const TAG_FLOAT = 3;
const TAG_EXTENSIBLE = 0xfffe;

const PCM_FORMATS: Readonly<Record<number, WavFormat>> = { 8: 'pcm8', 16: 'pcm16', 24: 'pcm24', 32: 'pcm32' };
const FLOAT_FORMATS: Readonly<Record<number, WavFormat>> = { 32: 'float32', 64: 'float64' };

/** Names of the codecs people meet most, for the "unsupported codec" message. */
const CODEC_NAMES: Readonly<Record<number, string>> = {
  2: 'Microsoft ADPCM',
  6: 'A-law',
  7: 'mu-law',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x50: 'MPEG',
  0x55: 'MPEG Layer 3',
  0xff: 'AAC',
};

/** The 12 bytes after the first 4 of every KSDATAFORMAT_SUBTYPE GUID (..-0000-0010-8000-00AA00389B71). */
const SUBTYPE_TAIL = Uint8Array.of(0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71);

/**
 * Checks a WAV file's structure and returns where its samples are.
 * @example parseWavHeader(readFileSync('a.wav'), 'a.wav').frames
 * @throws FORMAT (naming `source`) for a file that is not RIFF/WAVE, RIFX or RF64 files,
 *   truncated chunks, a missing fmt or data chunk, codecs other than PCM 8/16/24/32 and IEEE
 *   float 32/64, and channel counts, rates or block sizes that do not add up
 */
export function parseWavHeader(bytes: Uint8Array, source: string, where = 'readAudio'): WavLayout {
  const bad = (problem: string, expected: string, received: string, hint?: string): never =>
    fail({ code: 'FORMAT', kernel: where, problem: `'${source}' ${problem}`, expected, received, ...(hint === undefined ? {} : { hint }) });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) {
    bad('is too short to be a WAV file', 'at least 12 bytes (RIFF header)', `${bytes.length} bytes`);
  }
  const riff = ascii(bytes, 0);
  if (riff === 'RIFX' || riff === 'RF64') {
    bad(`is a ${riff} file, which is not supported`, 'a little-endian RIFF WAVE file', riff, 'convert it, e.g. `sox in.wav -e signed-integer out.wav`');
  }
  if (riff !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    bad('is not a WAV file', "'RIFF' .... 'WAVE' at the start", JSON.stringify(`${riff}....${ascii(bytes, 8)}`));
  }
  let fmt: { offset: number; size: number } | undefined;
  let data: { offset: number; size: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length && (fmt === undefined || data === undefined); ) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data' && data === undefined) {
      if (size > bytes.length - body) {
        bad('is truncated: its data chunk is cut short', `${size} bytes of samples (as the header says)`, `${bytes.length - body} bytes`);
      }
      data = { offset: body, size };
    } else if (id === 'fmt ' && fmt === undefined) {
      if (size < 16 || size > bytes.length - body) {
        bad('has a bad fmt chunk', 'at least 16 bytes, all inside the file', `${size} bytes declared, ${bytes.length - body} left in the file`);
      }
      fmt = { offset: body, size };
    }
    at = body + size + (size % 2);
  }
  if (fmt === undefined || data === undefined) {
    return bad(`has no ${fmt === undefined ? "'fmt '" : "'data'"} chunk`, "both a 'fmt ' and a 'data' chunk", 'a file that ends before one', 'the file may be truncated');
  }
  let tag = view.getUint16(fmt.offset, true);
  const channels = view.getUint16(fmt.offset + 2, true);
  const sampleRate = view.getUint32(fmt.offset + 4, true);
  const blockAlign = view.getUint16(fmt.offset + 12, true);
  const bits = view.getUint16(fmt.offset + 14, true);
  const extensible = tag === TAG_EXTENSIBLE;
  if (extensible) {
    if (fmt.size < 40 || !SUBTYPE_TAIL.every((b, i) => bytes[fmt.offset + 26 + i] === b)) {
      bad('has a WAVE_FORMAT_EXTENSIBLE header without a known subformat', 'a 40-byte fmt chunk whose subformat is KSDATAFORMAT_SUBTYPE_PCM or _IEEE_FLOAT', `${fmt.size} bytes`);
    }
    tag = view.getUint16(fmt.offset + 24, true);
  }
  const format = formatOf(tag, bits, bad);
  if (channels < 1 || channels > MAX_CHANNELS) {
    bad('has a bad channel count', `1 to ${MAX_CHANNELS}`, String(channels));
  }
  if (sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE) {
    bad('has a bad sample rate', `1 to ${MAX_SAMPLE_RATE} Hz`, `${sampleRate} Hz`);
  }
  if (blockAlign !== (channels * bits) / 8) {
    bad('has a block size that does not match its channels and bits', `${channels} channels x ${bits / 8} bytes = ${(channels * bits) / 8}`, String(blockAlign));
  }
  if (data.size % blockAlign !== 0) {
    bad('has a data chunk that is not a whole number of frames', `a multiple of ${blockAlign} bytes`, `${data.size} bytes`, 'the file may be truncated');
  }
  return { format, channels, sampleRate, blockAlign, dataOffset: data.offset, dataBytes: data.size, frames: data.size / blockAlign, tagOffset: fmt.offset, extensible };
}

function formatOf(tag: number, bits: number, bad: (problem: string, expected: string, received: string, hint?: string) => never): WavFormat {
  const known = (tag === TAG_PCM ? PCM_FORMATS : tag === TAG_FLOAT ? FLOAT_FORMATS : {})[bits];
  if (known !== undefined) {
    return known;
  }
  if (tag === TAG_PCM || tag === TAG_FLOAT) {
    return bad(`has ${bits}-bit ${tag === TAG_PCM ? 'integer' : 'float'} samples, which are not supported`, tag === TAG_PCM ? '8, 16, 24 or 32 bits' : '32 or 64 bits', `${bits} bits`);
  }
  const name = CODEC_NAMES[tag];
  return bad('uses a codec that is not supported', 'PCM (format tag 1) or IEEE float (3)', `format tag ${tag}${name === undefined ? '' : ` (${name})`}`, 'decode it to PCM first, e.g. `ffmpeg -i in.wav -c:a pcm_s16le out.wav`');
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}
