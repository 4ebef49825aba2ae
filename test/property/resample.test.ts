/**
 * Chunking invariance of the streaming resampler (fast-check, fixed seed): any split of the
 * input (empty chunks, single samples, primes, chunks longer than the kept history, random
 * sizes) gives the whole-signal output bit for bit, for several rate pairs, in float32 and
 * float64 output. The whole-signal run is `resample()`, the offline entry point.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Resampler, resample, type ResampleDType } from '../../src/stream/resample.js';

const RATES: readonly (readonly [number, number])[] = [
  [44100, 16000],
  [48000, 16000],
  [22050, 16000],
  [8000, 16000],
  [32000, 16000],
  [16000, 16000],
  [5, 7],
];

const PRIMES = [2, 3, 5, 7, 11, 13, 97, 331, 1009];

/** Chunk sizes drawn from the cases that break ring buffers: 0, 1, primes, > history, random. */
const chunkSize = fc.oneof(
  fc.constant(0),
  fc.constant(1),
  fc.constantFrom(...PRIMES),
  fc.integer({ min: 60, max: 3000 }), // the history is 56 inputs for 44100->16000, 21 for 48000->16000
  fc.integer({ min: 0, max: 40 }),
);

/**
 * Pushes x in chunks of `sizes`, cycled while the list has a positive size (else each empty
 * chunk once), then whatever is left, then end(); returns every output in order.
 */
function splitRun<D extends ResampleDType>(x: Float32Array, from: number, to: number, dtype: D, sizes: readonly number[]): number[] {
  const rs = new Resampler({ from, to, dtype });
  const out: number[] = [];
  const take = (chunk: Float32Array): void => {
    for (const v of rs.push(chunk)) {
      out.push(v);
    }
  };
  let at = 0;
  const cycle = sizes.some((s) => s > 0);
  for (let i = 0; i < sizes.length || (cycle && at < x.length); i++) {
    const size = sizes[i % sizes.length]!;
    take(x.subarray(at, Math.min(x.length, at + size)));
    at = Math.min(x.length, at + size);
  }
  take(x.subarray(at));
  for (const v of rs.end()) {
    out.push(v);
  }
  return out;
}

test('any chunking gives the whole-signal output bit for bit', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...RATES),
      fc.constantFrom<ResampleDType>('float32', 'float64'),
      fc.float32Array({ noNaN: true, noDefaultInfinity: true, min: -1, max: 1, minLength: 0, maxLength: 3000 }),
      fc.array(chunkSize, { minLength: 0, maxLength: 30 }),
      ([from, to], dtype, x, sizes) => {
        const whole = Array.from(resample(x, from, to, { dtype }));
        const pieces = splitRun(x, from, to, dtype, sizes);
        // Object.is per element: -0 and +0 would count as a difference, NaN never appears.
        assert.equal(pieces.length, whole.length);
        for (let i = 0; i < whole.length; i++) {
          if (!Object.is(pieces[i], whole[i])) {
            assert.fail(`output ${i}: chunked ${pieces[i]}, whole ${whole[i]} (${from} -> ${to}, ${dtype}, chunks ${sizes.join(',')})`);
          }
        }
      },
    ),
    { seed: 12, numRuns: 150 },
  );
});

test('one sample at a time equals the whole signal (44100 -> 16000, 2 s of a chirp)', () => {
  const from = 44100;
  const x = Float32Array.from({ length: 2 * from }, (_, i) => Math.sin(2 * Math.PI * (100 + 3000 * (i / from)) * (i / from)) * 0.8);
  const whole = resample(x, from, 16000);
  const rs = new Resampler({ from, to: 16000 });
  const out = new Float32Array(whole.length);
  let at = 0;
  for (let i = 0; i < x.length; i++) {
    const y = rs.push(x.subarray(i, i + 1));
    out.set(y, at);
    at += y.length;
  }
  out.set(rs.end(), at);
  assert.deepEqual(out, whole);
});
