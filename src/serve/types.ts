/**
 * The per-stream processing the feature server runs, injected as a factory so the server does
 * not depend on which front end it serves: `hp.featureStream` (Whisper log-mel, Kaldi fbank) in
 * `hotpath serve`, a simple processor of the test's own in the server's tests.
 */
import type { FeatureStream as SpeechFeatureStream } from '../stream/features.js';

/**
 * One stream's feature extractor, the part of `hp.featureStream`'s object the server uses:
 * `bins` (features per frame), `push(samples)` (float32 in [-1, 1] at the stream's rate; returns
 * the frames that became ready, row-major `[count * bins]`, maybe empty) and `end()` (the rest).
 */
export type FeatureStream = Pick<SpeechFeatureStream, 'bins' | 'push' | 'end'>;

/** Options a stream is opened with (from the client's handshake). */
export interface FeatureStreamOptions {
  readonly preset: string;
  /** Samples per second of the PCM the client sends (the factory resamples as it needs). */
  readonly sampleRate: number;
}

/**
 * Makes one FeatureStream per client stream. Throws a HotpathError (e.g. ARGUMENT for an unknown
 * preset); the server closes that stream with 1008 and the error's message as the reason.
 */
export type FeatureStreamFactory = (opts: FeatureStreamOptions) => FeatureStream;
