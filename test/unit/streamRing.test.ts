/** RingBuffer: FIFO order across the wrap, each overflow policy, counters and argument errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HotpathError, RingBuffer } from '../../src/index.js';

function readAll(ring: RingBuffer): number[] {
  const out = new Float32Array(ring.size);
  ring.read(out);
  return [...out];
}

test('FIFO order survives wrapping around the end of the storage', () => {
  const ring = new RingBuffer(5);
  assert.equal(ring.write(Float32Array.of(1, 2, 3)), 3);
  const two = new Float32Array(2);
  assert.equal(ring.read(two), 2);
  assert.deepEqual([...two], [1, 2]);
  assert.equal(ring.write(Float32Array.of(4, 5, 6, 7)), 4); // wraps: slots 3, 4, 0, 1
  assert.equal(ring.size, 5);
  assert.equal(ring.free, 0);
  assert.equal(ring.position, 2);
  const peeked = new Float32Array(3);
  assert.equal(ring.peek(peeked, 3, 1), 3);
  assert.deepEqual([...peeked], [4, 5, 6]);
  assert.equal(ring.skip(1), 1);
  assert.deepEqual(readAll(ring), [4, 5, 6, 7]);
  assert.equal(ring.position, 7);
});

test("'block' accepts only what fits and returns the count", () => {
  const ring = new RingBuffer(4, { overflow: 'block' });
  assert.equal(ring.write(Float32Array.of(1, 2, 3)), 3);
  assert.equal(ring.write(Float32Array.of(4, 5, 6)), 1);
  assert.equal(ring.write(Float32Array.of(7)), 0);
  assert.equal(ring.dropped, 0);
  assert.deepEqual(readAll(ring), [1, 2, 3, 4]);
});

test("'dropOldest' keeps the newest samples and counts every dropped one", () => {
  const ring = new RingBuffer(4, { overflow: 'dropOldest' });
  ring.write(Float32Array.of(1, 2, 3));
  assert.equal(ring.write(Float32Array.of(4, 5)), 2);
  assert.equal(ring.dropped, 1);
  assert.equal(ring.position, 1);
  // Larger than the capacity: all 4 held and the first 3 offered are dropped.
  assert.equal(ring.write(Float32Array.of(10, 11, 12, 13, 14, 15, 16)), 7);
  assert.equal(ring.dropped, 1 + 4 + 3);
  assert.equal(ring.position, 8);
  assert.deepEqual(readAll(ring), [13, 14, 15, 16]);
  assert.equal(ring.position, 12);
});

test("'throw' (the default) raises OVERFLOW naming capacity, held and offered, and keeps the data", () => {
  const ring = new RingBuffer(4);
  assert.equal(ring.overflow, 'throw');
  ring.write(Float32Array.of(1, 2, 3));
  assert.throws(
    () => ring.write(Float32Array.of(4, 5)),
    (e: unknown) =>
      e instanceof HotpathError &&
      e.code === 'OVERFLOW' &&
      e.message === "RingBuffer.write: the buffer is full (capacity 4 samples, 3 held), expected at most 1 samples, received 2 samples; hint: read faster, write smaller chunks, or choose overflow 'block' or 'dropOldest'",
  );
  assert.deepEqual(readAll(ring), [1, 2, 3]);
});

test('NaN and Inf are stored and returned bit for bit', () => {
  const ring = new RingBuffer(3);
  ring.write(Float32Array.of(Number.NaN, Number.POSITIVE_INFINITY, -0));
  const out = new Float32Array(3);
  ring.read(out);
  assert.ok(Number.isNaN(out[0]));
  assert.equal(out[1], Number.POSITIVE_INFINITY);
  assert.ok(Object.is(out[2], -0));
});

test('bad arguments: ARGUMENT for capacity, policy and counts; DTYPE for non-float32 samples', () => {
  const code = (c: string) => (e: unknown) => e instanceof HotpathError && e.code === c;
  assert.throws(() => new RingBuffer(0), code('ARGUMENT'));
  assert.throws(() => new RingBuffer(2.5), code('ARGUMENT'));
  assert.throws(() => new RingBuffer(4, { overflow: 'wait' as never }), code('ARGUMENT'));
  const ring = new RingBuffer(4);
  assert.throws(() => ring.write(new Float64Array(2) as never), code('DTYPE'));
  assert.throws(() => ring.write([1, 2] as never), code('DTYPE'));
  assert.throws(() => ring.skip(-1), code('ARGUMENT'));
  assert.throws(() => ring.read(new Float32Array(2), 3), code('ARGUMENT'));
});
