/**
 * Chunking invariance of the Framer (fast-check, fixed seed): whatever the split of a signal
 * into chunks (empty, 1-sample, prime-sized, larger than the framer's internal buffer, random),
 * the frames, concatenated, equal bit for bit the frames of the whole signal computed by the
 * plain index formulas in test/streamFrames.ts, for every padding mode and several (L, hop),
 * hop > L, hop = L, L = 1 and signals shorter than L included. Each frame must also come out
 * with the push that brought the last sample it reads (checked by counting, not by the framer).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Framer, PADDINGS, type Padding } from '../../src/stream/index.js';
import { expectedFrames, rampSignal, sameBits } from '../streamFrames.js';

const SEED = 20261128;
const PRIMES = [2, 3, 5, 7, 11, 13, 17, 31, 61, 127, 157, 401, 997];
/** Larger than the framer's internal buffer (2 (L + 1) + 4096 samples for L <= 400). */
const LARGE = [4999, 6007, 9001];
const GEOMETRIES: readonly (readonly [number, number])[] = [
  [1, 1], [1, 3], [2, 1], [4, 4], [5, 2], [3, 8], [7, 3], [16, 5], [25, 10], [64, 64], [400, 160], [401, 1000],
];

/** One chunk size: 0, 1, a prime, a large one or anything up to 300. */
const chunkSize = fc.oneof(fc.constant(0), fc.constant(1), fc.constantFrom(...PRIMES), fc.constantFrom(...LARGE), fc.integer({ min: 0, max: 300 }));

/** Splits n into consecutive chunk sizes drawn from `sizes` (the last one cut to fit), empties kept. */
function split(n: number, sizes: readonly number[]): number[] {
  const out: number[] = [];
  let left = n;
  for (let k = 0; left > 0 || k < sizes.length; k++) {
    const s = Math.min(sizes[k % Math.max(1, sizes.length)] ?? left, left);
    out.push(s);
    left -= s;
    if (k > 4 * n + sizes.length) {
      out.push(left);
      break;
    }
  }
  return out;
}

/** Frames pushed chunk by chunk (alternating push and pushInto), concatenated. */
function framesInChunks(signal: Float32Array, L: number, hop: number, padding: Padding, chunks: readonly number[]): { data: Float32Array; perPush: number[] } {
  const framer = new Framer({ frameLength: L, hop, padding });
  const parts: Float32Array[] = [];
  const perPush: number[] = [];
  let at = 0;
  chunks.forEach((size, k) => {
    const chunk = signal.subarray(at, at + size);
    at += size;
    if (k % 2 === 0) {
      const f = framer.push(chunk);
      assert.equal(f.first, framer.framesReady - f.count);
      parts.push(f.data);
      perPush.push(f.count);
    } else {
      // A caller-owned buffer with a sentinel margin: nothing outside the frames may be written.
      const count = framer.framesAfter(size);
      const out = new Float32Array(count * L + 3).fill(-0.5);
      assert.equal(framer.pushInto(chunk, out, 1), count);
      assert.equal(out[0], -0.5);
      assert.equal(out[out.length - 1], -0.5);
      assert.equal(out[out.length - 2], -0.5);
      parts.push(out.subarray(1, 1 + count * L));
      perPush.push(count);
    }
  });
  assert.equal(framer.samplesSeen, signal.length);
  const last = framer.end();
  parts.push(last.data);
  const total = parts.reduce((s, p) => s + p.length, 0);
  const data = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  assert.equal(framer.framesReady, total / L);
  return { data, perPush };
}

/** Frames whose last read sample (largest index, mirrored left reads included) is < seen. */
function readyBy(seen: number, L: number, hop: number, padding: Padding, total: number): number {
  let ready = 0;
  for (let i = 0; i < total; i++) {
    const start = padding === 'none' ? hop * i : padding === 'kaldi' ? hop * i + Math.floor(hop / 2) - Math.floor(L / 2) : hop * i - Math.floor(L / 2);
    let last = start + L - 1;
    if (padding === 'kaldi' && start < 0) last = Math.max(last, -start - 1);
    if (padding === 'reflect' && start < 0) last = Math.max(last, -start);
    if (last < seen) ready = i + 1;
    else break;
  }
  return ready;
}

for (const padding of PADDINGS) {
  test(`padding '${padding}': any split gives the frames of the whole signal, bit for bit`, () => {
    const arb = fc.record({
      geometry: fc.constantFrom(...GEOMETRIES),
      extra: fc.integer({ min: -1, max: 3 }),
      n: fc.integer({ min: 0, max: 1200 }),
      sizes: fc.array(chunkSize, { minLength: 1, maxLength: 12 }),
    });
    fc.assert(
      fc.property(arb, ({ geometry: [L, hop], extra, n: n0, sizes }) => {
        // Half the cases are shorter than the frame or around it; the rest up to 1200 samples.
        const n = extra >= 0 ? Math.max(0, Math.floor(L / 2) * extra + (n0 % 7)) : n0;
        const signal = rampSignal(n);
        const chunks = split(n, sizes);
        const want = expectedFrames(signal, L, hop, padding);
        const got = framesInChunks(signal, L, hop, padding, chunks);
        assert.equal(got.data.length, want.length, `frames for L=${L} hop=${hop} n=${n} chunks=${chunks.join(',')}`);
        assert.ok(sameBits(got.data, want), `frame values differ for L=${L} hop=${hop} n=${n} chunks=${chunks.join(',')}`);
        // Emitted as soon as ready: after each push, exactly the frames whose last read sample arrived.
        const total = want.length / L;
        let seen = 0;
        let emitted = 0;
        chunks.forEach((size, k) => {
          seen += size;
          emitted += got.perPush[k]!;
          assert.equal(emitted, readyBy(seen, L, hop, padding, total), `after ${seen} samples (L=${L} hop=${hop} n=${n})`);
        });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test(`padding '${padding}': one sample at a time and one large chunk agree on long signals`, () => {
    for (const [L, hop] of [[400, 160], [3, 8], [1, 1]] as const) {
      const signal = rampSignal(12_345);
      const want = expectedFrames(signal, L, hop, padding);
      assert.ok(sameBits(framesInChunks(signal, L, hop, padding, [12_345]).data, want), `one chunk, L=${L} hop=${hop}`);
      assert.ok(sameBits(framesInChunks(signal, L, hop, padding, new Array<number>(12_345).fill(1)).data, want), `ones, L=${L} hop=${hop}`);
    }
  });
}
