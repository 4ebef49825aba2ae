/**
 * SampleQueue: a push-style producer and frames() as consumer; 'block' writes wait for room
 * (memory bounded by the capacity), order is kept, a consumer that stops early fails the writers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frames, HotpathError, SampleQueue } from '../../src/index.js';
import { expectedFrames, rampSignal, sameBits } from '../streamFrames.js';

const code = (c: string) => (e: unknown) => e instanceof HotpathError && e.code === c;
const tick = () => new Promise((resolve) => setImmediate(resolve));

test("'block': a write larger than the capacity waits for the reader, and the frames are those of the whole signal", async () => {
  const signal = rampSignal(5000);
  const queue = new SampleQueue(64);
  let maxHeld = 0;
  const producer = (async () => {
    for (let at = 0, k = 0; at < signal.length; k++) {
      const size = [1, 200, 0, 37, 999][k % 5]!;
      await queue.write(signal.slice(at, at + size));
      maxHeld = Math.max(maxHeld, queue.size);
      at += size;
    }
    queue.end();
  })();
  const got: number[] = [];
  for await (const f of frames(queue, { frameLength: 16, hop: 5, padding: 'reflect' })) {
    got.push(...f.data);
    await tick(); // a slow consumer
  }
  await producer;
  assert.ok(maxHeld <= 64, `held at most the capacity, saw ${maxHeld}`);
  assert.ok(sameBits(Float32Array.from(got), expectedFrames(signal, 16, 5, 'reflect')));
});

test('a pending write resolves only when its samples are in the ring', async () => {
  const queue = new SampleQueue(4, { maxRead: 2 });
  let done = false;
  const w = queue.write(Float32Array.of(1, 2, 3, 4, 5, 6)).then(() => (done = true));
  await tick();
  assert.equal(done, false);
  assert.equal(queue.size, 4);
  const it = queue[Symbol.asyncIterator]();
  assert.deepEqual([...((await it.next()).value as Float32Array)], [1, 2]);
  await w;
  assert.equal(queue.size, 4);
  queue.end();
  assert.deepEqual([...((await it.next()).value as Float32Array)], [3, 4]);
  assert.deepEqual([...((await it.next()).value as Float32Array)], [5, 6]);
  assert.equal((await it.next()).done, true);
});

test("'dropOldest' never waits and counts drops; 'throw' rejects with OVERFLOW", async () => {
  const dropping = new SampleQueue(3, { overflow: 'dropOldest' });
  await dropping.write(Float32Array.of(1, 2, 3, 4, 5));
  assert.equal(dropping.dropped, 2);
  const strict = new SampleQueue(3, { overflow: 'throw' });
  await assert.rejects(strict.write(Float32Array.of(1, 2, 3, 4)), code('OVERFLOW'));
  await strict.write(Float32Array.of(7)); // a failed write does not block the next
  assert.equal(strict.size, 1);
});

test('a consumer that stops early fails pending writes; writing after end() is LIFETIME', async () => {
  const queue = new SampleQueue(2);
  const pending = queue.write(Float32Array.of(1, 2, 3, 4, 5, 6)); // 2 + 2 go in, the last 2 wait
  for await (const _ of queue) break;
  await assert.rejects(pending, code('LIFETIME'));
  const ended = new SampleQueue(2);
  ended.end();
  await assert.rejects(ended.write(Float32Array.of(1)), code('LIFETIME'));
  await assert.rejects(new SampleQueue(2).write(new Int16Array(1) as never), code('DTYPE'));
  assert.throws(() => new SampleQueue(0), code('ARGUMENT'));
});
