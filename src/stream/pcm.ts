/**
 * Decoding audio chunks as they arrive from files, sockets and streams into float32 samples.
 * Byte chunks may split a sample anywhere (a Node stream hands over whatever the OS read): the
 * bytes of a split sample are carried to the next chunk, and a stream that ends inside a sample
 * is an error, never a silently dropped byte.
 */
import { fail } from '../errors.js';
import { describeValue } from './checks.js';

/**
 * How chunks encode samples:
 * - `'float32'`: Float32Array chunks (used as they are), or bytes of little-endian float32.
 * - `'pcm16'`: Int16Array chunks, or bytes of little-endian signed 16-bit PCM (WAV's data);
 *   a sample s becomes s / 32768, so -32768 -> -1 exactly and 32767 -> 0.999969482421875.
 */
export type SampleFormat = 'float32' | 'pcm16';

export const SAMPLE_FORMATS: readonly SampleFormat[] = ['float32', 'pcm16'];

/** What a chunk of audio may be: samples, or raw bytes (Buffer and Uint8Array included). */
export type AudioChunk = Float32Array | Int16Array | Uint8Array | ArrayBuffer;

const BYTES: Readonly<Record<SampleFormat, number>> = { float32: 4, pcm16: 2 };

/** Throws `ARGUMENT` unless `format` is a known sample format. */
export function checkFormat(format: unknown, where: string): asserts format is SampleFormat {
  if (!SAMPLE_FORMATS.includes(format as SampleFormat)) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'unknown sample format', expected: SAMPLE_FORMATS.map((f) => `'${f}'`).join(' | '), received: String(format) });
  }
}

/**
 * Turns chunks of one format into float32 chunks, keeping the bytes of a split sample.
 *
 * ```ts
 * const decoder = new PcmDecoder('pcm16');
 * decoder.decode(Buffer.from([0x00, 0x80, 0xff]));   // Float32Array [-1]; 0xff carried
 * decoder.decode(Buffer.from([0x7f]));               // Float32Array [0.999969482421875]
 * decoder.end();                                      // throws FORMAT if a byte were left over
 * ```
 *
 * Throws `DTYPE` for a chunk of another kind (an Int16Array under 'float32', a Float32Array
 * under 'pcm16', a Float64Array, an array...), `FORMAT` from end() when the stream stopped
 * inside a sample, `ARGUMENT` for an unknown format.
 */
export class PcmDecoder {
  readonly format: SampleFormat;
  readonly #width: number;
  /** Bytes of a sample split across chunks (fewer than #width). */
  readonly #carry: Uint8Array;
  #carried = 0;

  constructor(format: SampleFormat = 'float32') {
    checkFormat(format, 'PcmDecoder');
    this.format = format;
    this.#width = BYTES[format];
    this.#carry = new Uint8Array(this.#width);
  }

  /** The float32 samples of one chunk (the chunk itself for Float32Array under 'float32'). */
  decode(chunk: AudioChunk): Float32Array {
    if (this.format === 'float32' && chunk instanceof Float32Array) {
      return chunk;
    }
    if (this.format === 'pcm16' && chunk instanceof Int16Array) {
      const out = new Float32Array(chunk.length);
      for (let i = 0; i < chunk.length; i++) out[i] = chunk[i]! / 32768;
      return out;
    }
    if (chunk instanceof ArrayBuffer) {
      return this.#bytes(new Uint8Array(chunk));
    }
    if (chunk instanceof Uint8Array) {
      return this.#bytes(chunk);
    }
    return fail({
      code: 'DTYPE',
      kernel: 'PcmDecoder.decode',
      problem: `a chunk does not match the declared format '${this.format}'`,
      expected: this.format === 'float32' ? 'a Float32Array or bytes (Buffer, Uint8Array, ArrayBuffer)' : 'an Int16Array or bytes (Buffer, Uint8Array, ArrayBuffer)',
      received: describeValue(chunk),
      hint: chunk instanceof Int16Array ? "declare { format: 'pcm16' }" : chunk instanceof Float32Array ? "declare { format: 'float32' }" : 'convert the samples to float32 or PCM16 first',
    });
  }

  /** Ends the stream: `FORMAT` if it stopped inside a sample. */
  end(): void {
    if (this.#carried !== 0) {
      fail({
        code: 'FORMAT',
        kernel: 'PcmDecoder.end',
        problem: `the stream ended inside a ${this.format} sample`,
        expected: `a multiple of ${this.#width} bytes`,
        received: `${this.#carried} byte${this.#carried === 1 ? '' : 's'} left over`,
      });
    }
  }

  #bytes(bytes: Uint8Array): Float32Array {
    const w = this.#width;
    const total = this.#carried + bytes.length;
    const out = new Float32Array(Math.floor(total / w));
    let o = 0;
    let at = 0;
    if (this.#carried > 0 && total >= w) {
      // Complete the split sample with the first bytes of this chunk.
      at = w - this.#carried;
      this.#carry.set(bytes.subarray(0, at), this.#carried);
      out[o++] = this.#sample(new DataView(this.#carry.buffer), 0);
      this.#carried = 0;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (; at + w <= bytes.length; at += w) out[o++] = this.#sample(view, at);
    // Fewer than w bytes remain: keep them for the next chunk.
    this.#carry.set(bytes.subarray(at), this.#carried);
    this.#carried += bytes.length - at;
    return out;
  }

  #sample(view: DataView, at: number): number {
    return this.format === 'pcm16' ? view.getInt16(at, true) / 32768 : view.getFloat32(at, true);
  }
}
