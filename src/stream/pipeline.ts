/**
 * Pull-based async pipelines: `for await` over batches out, any async iterable of chunks in
 * (Node Readable, Web ReadableStream, an async generator, a SampleQueue). A chunk is read from
 * the source only when the consumer asks for the next batch and the stages have nothing left, so
 * a slow consumer holds back the source and nothing piles up between them.
 */
import { checkPositive } from './checks.js';
import { Framer, type FramerOptions, type Frames } from './framer.js';
import { PcmDecoder, type AudioChunk, type SampleFormat } from './pcm.js';

/**
 * What a stage emits: a batch of `count` items (frames), or samples / feature values as a typed
 * array (its `length`); an empty batch means nothing became ready yet.
 */
export type Batch = { readonly count: number } | { readonly length: number };

/** Items in a batch: its count, or a typed array's length. */
export function batchSize(batch: Batch): number {
  return 'count' in batch ? batch.count : batch.length;
}

/**
 * One step of a streaming computation: `push` takes the next input and returns what became
 * ready; `end` flushes. The Framer is one (samples in, Frames out), the Resampler another
 * (samples in, samples at the new rate out), a feature stage taking Frames a third.
 *
 * ```ts
 * for await (const f of pipe(mic48k, new Resampler({ from: 48000, to: 16000 }), new Framer({ frameLength: 400, hop: 160, padding: 'none' }))) use(f);
 * ```
 */
export interface Stage<In, Out extends Batch> {
  push(input: In): Out;
  end(): Out;
}

/** Anything `for await` accepts. */
export type Source<T> = AsyncIterable<T> | Iterable<T>;

/**
 * Runs a source through one or more stages; yields every non-empty batch of the last stage, in
 * order, then the batches that ending each stage (first to last) releases. Breaking out of the
 * `for await` returns the source's iterator (a Node stream is destroyed).
 *
 * ```ts
 * for await (const batch of pipe(chunks, new Framer({ frameLength: 400, hop: 160, padding: 'none' }))) {
 *   use(batch.data, batch.count);
 * }
 * ```
 *
 * Throws what the stages and the source throw.
 */
export function pipe<A, B extends Batch>(source: Source<A>, s1: Stage<A, B>): AsyncGenerator<B, void, undefined>;
export function pipe<A, B extends Batch, C extends Batch>(source: Source<A>, s1: Stage<A, B>, s2: Stage<B, C>): AsyncGenerator<C, void, undefined>;
export function pipe<A, B extends Batch, C extends Batch, D extends Batch>(source: Source<A>, s1: Stage<A, B>, s2: Stage<B, C>, s3: Stage<C, D>): AsyncGenerator<D, void, undefined>;
export function pipe(source: Source<unknown>, ...stages: Stage<unknown, Batch>[]): AsyncGenerator<Batch, void, undefined> {
  return run(source, stages);
}

async function* run(source: Source<unknown>, stages: readonly Stage<unknown, Batch>[]): AsyncGenerator<Batch, void, undefined> {
  for await (const input of source) {
    const out = through(stages, 0, input);
    if (out !== undefined) yield out;
  }
  for (let k = 0; k < stages.length; k++) {
    const flushed = stages[k]!.end();
    if (batchSize(flushed) > 0) {
      const out = through(stages, k + 1, flushed);
      if (out !== undefined) yield out;
    }
  }
}

/** Pushes `input` through stages[from..]; the last stage's batch, or undefined when one is empty. */
function through(stages: readonly Stage<unknown, Batch>[], from: number, input: unknown): Batch | undefined {
  let x = input;
  for (let k = from; k < stages.length; k++) {
    const out = stages[k]!.push(x);
    if (batchSize(out) === 0) return undefined;
    x = out;
  }
  return x as Batch;
}

export interface FramesOptions extends FramerOptions {
  /** How the source's chunks encode samples (default `'float32'`); see SampleFormat. */
  readonly format?: SampleFormat;
  /**
   * The most samples given to the framer at once (default 16384): a larger chunk is split, so a
   * batch holds at most about maxSamples / hop + 1 frames however large the source's chunks are.
   */
  readonly maxSamples?: number;
}

/**
 * Frames of an audio stream, as batches, pulled from any async iterable of chunks.
 *
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const pcm = createReadStream('speech.raw');             // 16 kHz PCM16 bytes, any split
 * for await (const f of frames(pcm, { frameLength: 400, hop: 160, padding: 'kaldi', format: 'pcm16' })) {
 *   console.log(f.first, f.count);                        // f.data: f.count * 400 floats
 * }
 * ```
 *
 * Throws `ARGUMENT` for bad options (at the call); from the iteration, `DTYPE` for a chunk that
 * does not match `format` and `FORMAT` when a byte stream ends inside a sample.
 */
export function frames(source: Source<AudioChunk>, options: FramesOptions): AsyncGenerator<Frames, void, undefined> {
  const framer = new Framer(options);
  const decoder = new PcmDecoder(options.format ?? 'float32');
  const maxSamples = options.maxSamples ?? 16384;
  checkPositive(maxSamples, 'frames', 'maxSamples', 'samples');
  return pipe(decoded(source, decoder, maxSamples), framer);
}

/** The source's chunks as float32 pieces of at most `maxSamples` (subarrays: no copies). */
async function* decoded(source: Source<AudioChunk>, decoder: PcmDecoder, maxSamples: number): AsyncGenerator<Float32Array, void, undefined> {
  for await (const chunk of source) {
    const samples = decoder.decode(chunk);
    for (let at = 0; at < samples.length; at += maxSamples) {
      yield samples.subarray(at, at + maxSamples);
    }
  }
  decoder.end();
}
