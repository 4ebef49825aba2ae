/**
 * The async pipeline: frames() over async generators, Node Readables (with stream.pipeline) and
 * Web ReadableStreams gives the frames of the whole signal; a slow consumer holds back the
 * source (counted pulls); pipe() chains stages; PCM16 / byte chunks split anywhere decode right.
 */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream } from 'node:stream/web';
import { test } from 'node:test';
import { frames, Framer, HotpathError, pipe, resample, Resampler, type Batch, type Frames, type Stage } from '../../src/index.js';
import { expectedFrames, rampSignal, sameBits } from '../streamFrames.js';

const OPTIONS = { frameLength: 25, hop: 10, padding: 'reflect' } as const;
const code = (c: string) => (e: unknown) => e instanceof HotpathError && e.code === c;

async function collect(batches: AsyncIterable<Frames>): Promise<Float32Array> {
  const parts: number[] = [];
  let next = 0;
  for await (const b of batches) {
    assert.equal(b.first, next, 'batches are consecutive');
    assert.ok(b.count > 0, 'no empty batches');
    next += b.count;
    parts.push(...b.data);
  }
  return Float32Array.from(parts);
}

/** Chunks of the signal in a fixed irregular pattern. */
function chunksOf(signal: Float32Array): Float32Array[] {
  const sizes = [0, 1, 7, 300, 2, 0, 13, 1000];
  const out: Float32Array[] = [];
  for (let at = 0, k = 0; at < signal.length; k++) {
    const size = sizes[k % sizes.length]!;
    out.push(signal.slice(at, at + size));
    at += size;
  }
  return out;
}

const SIGNAL = rampSignal(3001);
const WANT = expectedFrames(SIGNAL, 25, 10, 'reflect');

test('frames() over an async generator, a Node Readable and a Web ReadableStream', async () => {
  async function* gen() {
    yield* chunksOf(SIGNAL);
  }
  assert.ok(sameBits(await collect(frames(gen(), OPTIONS)), WANT));
  assert.ok(sameBits(await collect(frames(Readable.from(chunksOf(SIGNAL), { objectMode: true }), OPTIONS)), WANT));
  const chunks = chunksOf(SIGNAL);
  const web = new ReadableStream<Float32Array>({
    pull(controller) {
      const c = chunks.shift();
      if (c === undefined) controller.close();
      else controller.enqueue(c);
    },
  });
  assert.ok(sameBits(await collect(frames(web, OPTIONS)), WANT));
  // maxSamples splits one huge chunk into bounded batches with the same frames.
  const sizes: number[] = [];
  const data: number[] = [];
  for await (const b of frames([SIGNAL], { ...OPTIONS, maxSamples: 100 })) {
    sizes.push(b.count);
    data.push(...b.data);
  }
  assert.ok(Math.max(...sizes) <= 11, `batches of at most 100 / 10 + 1 frames, got ${Math.max(...sizes)}`);
  assert.ok(sameBits(Float32Array.from(data), WANT));
});

test('stream.pipeline: PCM16 bytes from a Readable, split at odd byte counts, framed and written out', async () => {
  const pcm = new Int16Array(SIGNAL.length);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(Math.sin(i / 7) * 30000);
  const bytes = Buffer.from(pcm.buffer);
  const pieces: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = [1, 3, 0, 513, 2, 4097][k % 6]!;
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  const floats = Float32Array.from(pcm, (s) => s / 32768);
  const want = expectedFrames(floats, 25, 10, 'kaldi');
  const got: number[] = [];
  await pipeline(
    Readable.from(pieces),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const f of frames(source, { frameLength: 25, hop: 10, padding: 'kaldi', format: 'pcm16' })) yield f.data;
    },
    new Writable({
      objectMode: true,
      write(data: Float32Array, _encoding, callback) {
        got.push(...data);
        callback();
      },
    }),
  );
  assert.ok(sameBits(Float32Array.from(got), want));
});

test('a slow consumer holds back the source: it is read only as far as the batches taken need', async () => {
  let pulled = 0;
  async function* source() {
    for (let k = 0; k < 100; k++) {
      pulled++;
      yield new Float32Array(10); // one hop: one frame per chunk once the first frame is out
    }
  }
  const it = frames(source(), { frameLength: 20, hop: 10, padding: 'none' })[Symbol.asyncIterator]();
  for (let taken = 1; taken <= 5; taken++) {
    const r = await it.next();
    assert.equal(r.done, false);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a slow consumer
    assert.equal(pulled, taken + 1, `after ${taken} batches`);
  }
  await it.return(undefined);
  assert.equal(pulled, 6, 'stopping early stops the source');
});

test('a Node Readable feeding a slow consumer is read only as far as its highWaterMark', async () => {
  let reads = 0;
  const readable = new Readable({
    objectMode: true,
    highWaterMark: 2,
    read() {
      reads++;
      this.push(reads > 1000 ? null : new Float32Array(10));
    },
  });
  let batches = 0;
  for await (const _ of frames(readable, { frameLength: 10, hop: 10, padding: 'none' })) {
    batches++;
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(reads <= batches + 4, `${reads} chunks read for ${batches} batches`);
    if (batches === 20) break;
  }
  assert.ok(readable.destroyed, 'breaking out destroys the Readable');
});

test('pipe() chains stages and flushes them in order', async () => {
  /** A second stage: the sum of each frame (one value per frame). */
  class FrameSums implements Stage<Frames, Batch & { sums: number[] }> {
    push(f: Frames) {
      const sums: number[] = [];
      for (let k = 0; k < f.count; k++) sums.push(f.data.subarray(k * f.frameLength, (k + 1) * f.frameLength).reduce((a, b) => a + b, 0));
      return { count: sums.length, sums };
    }
    end() {
      return { count: 1, sums: [Number.NaN] }; // a marker: ends after the framer's flush
    }
  }
  const sums: number[] = [];
  for await (const b of pipe([Float32Array.of(1, 2, 3), Float32Array.of(4, 5)], new Framer({ frameLength: 2, hop: 2, padding: 'zero' }), new FrameSums())) {
    sums.push(...b.sums);
  }
  // zero padding, L = 2, hop = 2, N = 5: 1 + 5 // 2 = 3 frames starting at -1, 1, 3: [0,1] [2,3] [4,5].
  assert.deepEqual(sums, [1, 5, 9, Number.NaN]);
});

test('pipe() chains the Resampler and the Framer: 48 kHz chunks of any size give the frames of the resampled whole signal', async () => {
  const x48 = rampSignal(9001).map((v, i) => v * Math.sin(i / 7));
  const want = expectedFrames(resample(x48, 48000, 16000), 25, 10, 'reflect');
  const got = await collect(pipe(chunksOf(x48), new Resampler({ from: 48000, to: 16000 }), new Framer(OPTIONS)));
  assert.equal(got.length, want.length);
  assert.ok(sameBits(got, want), 'bit for bit');
});

test('errors: wrong chunk type DTYPE, a byte stream ending inside a sample FORMAT, bad options ARGUMENT', async () => {
  await assert.rejects(collect(frames([new Int16Array(4)], OPTIONS)), code('DTYPE'));
  await assert.rejects(collect(frames([new Float64Array(4)] as never, OPTIONS)), code('DTYPE'));
  await assert.rejects(collect(frames([new Float32Array(4)], { ...OPTIONS, format: 'pcm16' })), code('DTYPE'));
  await assert.rejects(collect(frames([Buffer.alloc(5)], { ...OPTIONS, format: 'pcm16' })), (e: unknown) => e instanceof HotpathError && e.code === 'FORMAT' && e.message.includes('1 byte left over'));
  assert.throws(() => frames([], { ...OPTIONS, hop: 0 }), code('ARGUMENT'));
  assert.throws(() => frames([], { ...OPTIONS, format: 's16' as never }), code('ARGUMENT'));
  assert.throws(() => frames([], { ...OPTIONS, maxSamples: 0 }), code('ARGUMENT'));
});
