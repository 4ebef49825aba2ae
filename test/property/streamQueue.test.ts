/**
 * SampleQueue + frames() under random timing (fast-check, fixed seed): a producer writing random
 * chunk sizes with random pauses and a consumer taking batches with random pauses always get the
 * frames of the whole signal (index formula in test/streamFrames.ts), and under 'block' the queue
 * never holds more than its capacity.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { frames, SampleQueue, type Padding } from '../../src/index.js';
import { expectedFrames, rampSignal, sameBits } from '../streamFrames.js';

const SEED = 20261128;

/** Waits `k` turns of the event loop (0: none). */
async function pause(k: number): Promise<void> {
  for (let i = 0; i < k; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('any producer / consumer timing through a SampleQueue gives the frames of the whole signal', async () => {
  const arb = fc.record({
    padding: fc.constantFrom<Padding>('none', 'kaldi', 'reflect', 'zero'),
    geometry: fc.constantFrom(...([[8, 3], [5, 5], [1, 2], [16, 40]] as [number, number][])),
    n: fc.integer({ min: 0, max: 400 }),
    capacity: fc.integer({ min: 1, max: 50 }),
    sizes: fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 8 }),
    producerPauses: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 }),
    consumerPauses: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 }),
  });
  await fc.assert(
    fc.asyncProperty(arb, async ({ padding, geometry: [L, hop], n, capacity, sizes, producerPauses, consumerPauses }) => {
      const signal = rampSignal(n);
      const queue = new SampleQueue(capacity);
      let maxHeld = 0;
      const producer = (async () => {
        for (let at = 0, k = 0; at < n; k++) {
          // Empty writes are kept, but every other one carries at least a sample, so it ends.
          const raw = sizes[k % sizes.length]!;
          const size = Math.min(raw === 0 && k % 2 === 1 ? 1 : raw, n - at);
          await queue.write(signal.slice(at, at + size));
          maxHeld = Math.max(maxHeld, queue.size);
          at += size;
          await pause(producerPauses[k % producerPauses.length]!);
          if (k > 10 * n + 10) throw new Error('producer made no progress');
        }
        queue.end();
      })();
      const got: number[] = [];
      let k = 0;
      for await (const f of frames(queue, { frameLength: L, hop, padding })) {
        got.push(...f.data);
        await pause(consumerPauses[k++ % consumerPauses.length]!);
      }
      await producer;
      assert.ok(maxHeld <= capacity, `held ${maxHeld} > capacity ${capacity}`);
      assert.ok(sameBits(Float32Array.from(got), expectedFrames(signal, L, hop, padding)));
    }),
    { seed: SEED, numRuns: 150 },
  );
});
