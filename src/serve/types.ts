/**
 * The per-stream processing the feature server runs, injected as a factory so the server does
 * not depend on which front end (Whisper log-mel, Kaldi fbank, a test's own processor) it serves.
 *
 * This is the shape the streaming feature object on main is built to; the server only uses
 * `bins`, `push` and `end`.
 */

/** One stream's feature extractor: samples in (float32 in [-1, 1] at the stream's rate), rows out. */
export interface FeatureStream {
  /** Features per frame (e.g. 80 mel bins). */
  readonly bins: number;
  /** Feeds samples; returns the frames that became ready, row-major `[count * bins]` (maybe empty). */
  push(samples: Float32Array): Float32Array;
  /** Ends the stream; returns the remaining frames (padding rule of the preset). */
  end(): Float32Array;
}

/** Options a stream is opened with (from the client's handshake). */
export interface FeatureStreamOptions {
  readonly preset: string;
  /** Samples per second of the PCM the client sends. */
  readonly sampleRate: number;
}

/**
 * Makes one FeatureStream per client stream. Throws a HotpathError (e.g. ARGUMENT for an unknown
 * preset); the server closes that stream with 1008 and the error's message as the reason.
 */
export type FeatureStreamFactory = (opts: FeatureStreamOptions) => FeatureStream;
