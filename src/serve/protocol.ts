/**
 * The feature server's wire format (one place; README's "hotpath serve" section documents it).
 *
 * Handshake: `GET /stream?rate=16000&format=int16&preset=whisper-80&output=binary` upgraded to a
 * WebSocket. `rate` (Hz, default 16000), `format` (`int16` little-endian | `float32`
 * little-endian, default int16), `preset` (default: the server's), `output` (`binary` | `json`,
 * default binary).
 *
 * Server -> client:
 * - text `{"type":"ready","stream":ID,"bins":B,"sampleRate":R,"format":F,"preset":P,"output":O}`
 *   once the stream is open (the client may send audio before it arrives).
 * - binary output: one message per input chunk that completed frames: a 12-byte header of three
 *   little-endian uint32 (`firstFrame` index, `count` of frames, `chunk` = 0-based index of the
 *   client's binary message that made them ready, 0xffffffff for the end-of-stream flush), then
 *   `count * bins` little-endian float32, row-major. A gap in `firstFrame` means frames were
 *   dropped (a client that did not read fast enough; see the backpressure policy).
 * - json output: text `{"type":"frames","firstFrame":i,"chunk":c,"frames":[[...B numbers], ...]}`.
 * - text `{"type":"end","frames":N,"dropped":D}` after the client's end (or a server shutdown),
 *   then close 1000 (1001 on shutdown).
 *
 * Client -> server: binary messages of PCM (any size, int16 needs an even byte count); text
 * `{"type":"end"}` flushes the last frames and closes cleanly.
 */
import { fail } from '../errors.js';

/** Close codes the server uses, with why. 4000-4999 are this application's. */
export const CLOSE = {
  normal: 1000,
  /** Server shutting down (graceful: the stream's remaining frames were flushed first). */
  goingAway: 1001,
  /** A text message that is not a known control message, or a binary message in JSON-only state. */
  unsupportedData: 1003,
  /** PCM that is not what the handshake said: odd byte count for int16, NaN/Inf float32. */
  invalidPayload: 1007,
  /** Bad handshake (unknown format/output/preset, malformed rate), or data after `end`. */
  policy: 1008,
  /** A message over `maxMessageBytes` (sent by `ws` itself). */
  tooBig: 1009,
  /** The feature processor threw (a server bug; the stream cannot go on). */
  internal: 1011,
  /** No message for `idleMs`. */
  idle: 4000,
  /** A sample rate the server has no path for (no resampler for it). */
  unsupportedRate: 4001,
  /** Less than `minRealtime` x real time of audio over a `dripWindowMs` window (slow drip). */
  tooSlow: 4002,
  /** The client stopped reading and the backpressure policy is `close`. */
  notReading: 4003,
} as const;

export type SampleFormat = 'int16' | 'float32';
export type OutputFormat = 'binary' | 'json';

/** A stream's parameters as parsed from the handshake URL. */
export interface StreamParams {
  readonly sampleRate: number;
  readonly format: SampleFormat;
  readonly preset: string;
  readonly output: OutputFormat;
}

/** Bytes of the binary frames header (three uint32). */
export const HEADER_BYTES = 12;
/** `chunk` value of the end-of-stream flush. */
export const END_CHUNK = 0xffffffff;

/**
 * Parses the handshake query. Throws HotpathError ARGUMENT naming the bad parameter.
 * @example parseParams(new URLSearchParams('rate=16000&format=int16'), 'whisper-80')
 */
export function parseParams(query: URLSearchParams, defaultPreset: string): StreamParams {
  const known = new Set(['rate', 'format', 'preset', 'output']);
  for (const key of query.keys()) {
    if (!known.has(key)) {
      fail({ code: 'ARGUMENT', kernel: 'serve', problem: `unknown parameter ${key}`, expected: 'rate, format, preset, output', received: key });
    }
  }
  const rateText = query.get('rate') ?? '16000';
  const sampleRate = Number(rateText);
  if (!/^[0-9]+$/.test(rateText) || !Number.isSafeInteger(sampleRate) || sampleRate < 1000 || sampleRate > 384000) {
    fail({ code: 'ARGUMENT', kernel: 'serve', problem: 'invalid rate', expected: 'an integer sample rate in Hz, 1000..384000', received: rateText });
  }
  const format = query.get('format') ?? 'int16';
  if (format !== 'int16' && format !== 'float32') {
    fail({ code: 'ARGUMENT', kernel: 'serve', problem: 'invalid format', expected: 'int16 or float32', received: format });
  }
  const output = query.get('output') ?? 'binary';
  if (output !== 'binary' && output !== 'json') {
    fail({ code: 'ARGUMENT', kernel: 'serve', problem: 'invalid output', expected: 'binary or json', received: output });
  }
  const preset = query.get('preset') ?? defaultPreset;
  return { sampleRate, format, preset, output };
}

/**
 * PCM bytes to float32 samples in [-1, 1] (int16 / 32768, as the conformance signals are made).
 * Throws HotpathError FORMAT for an odd int16 byte count, a float32 count not a multiple of 4, or
 * a non-finite float32 sample.
 */
export function decodePcm(bytes: Uint8Array, format: SampleFormat): Float32Array {
  const width = format === 'int16' ? 2 : 4;
  if (bytes.byteLength % width !== 0) {
    fail({ code: 'FORMAT', kernel: 'serve', problem: `${format} chunk of ${bytes.byteLength} bytes`, expected: `a multiple of ${width} bytes`, received: `${bytes.byteLength}` });
  }
  const n = bytes.byteLength / width;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  if (format === 'int16') {
    for (let i = 0; i < n; i++) {
      out[i] = view.getInt16(2 * i, true) / 32768;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = view.getFloat32(4 * i, true);
    if (!Number.isFinite(v)) {
      fail({ code: 'FORMAT', kernel: 'serve', problem: `float32 sample ${i} of the chunk is not finite`, expected: 'finite samples', received: String(v) });
    }
    out[i] = v;
  }
  return out;
}

/** One binary frames message: header + rows (little-endian, written through a DataView). */
export function encodeFrames(frames: Float32Array, bins: number, firstFrame: number, chunk: number): Uint8Array {
  const count = frames.length / bins;
  const bytes = new Uint8Array(HEADER_BYTES + 4 * frames.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, firstFrame >>> 0, true);
  view.setUint32(4, count, true);
  view.setUint32(8, chunk >>> 0, true);
  for (let i = 0; i < frames.length; i++) {
    view.setFloat32(HEADER_BYTES + 4 * i, frames[i] as number, true);
  }
  return bytes;
}

/** A decoded binary frames message (the client side of encodeFrames). */
export interface FramesMessage {
  readonly firstFrame: number;
  readonly count: number;
  readonly chunk: number;
  /** Row-major `[count * bins]`. */
  readonly frames: Float32Array;
}

/** Decodes a binary frames message. Throws HotpathError FORMAT when the size does not fit the header. */
export function decodeFrames(bytes: Uint8Array, bins: number): FramesMessage {
  if (bytes.byteLength < HEADER_BYTES) {
    fail({ code: 'FORMAT', kernel: 'serve', problem: 'frames message shorter than its header', expected: `>= ${HEADER_BYTES} bytes`, received: `${bytes.byteLength}` });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const firstFrame = view.getUint32(0, true);
  const count = view.getUint32(4, true);
  const chunk = view.getUint32(8, true);
  if (bytes.byteLength !== HEADER_BYTES + 4 * count * bins) {
    fail({ code: 'FORMAT', kernel: 'serve', problem: 'frames message size does not match its header', expected: `${HEADER_BYTES + 4 * count * bins} bytes (${count} frames x ${bins} bins)`, received: `${bytes.byteLength}` });
  }
  const frames = new Float32Array(count * bins);
  for (let i = 0; i < frames.length; i++) {
    frames[i] = view.getFloat32(HEADER_BYTES + 4 * i, true);
  }
  return { firstFrame, count, chunk, frames };
}

/** A close reason within the protocol's 123 bytes (UTF-8), cut at a character boundary. */
export function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) {
    out = out.slice(0, -1);
  }
  return out;
}
