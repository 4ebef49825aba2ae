/**
 * The batched delivery of the runtime's own monitoring (src/monitor/batch.ts): order, when a
 * batch is delivered, captured values, observers that come, go or throw.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_CAPACITY, BATCH_SLICE, CallBatch, type BatchedObserver } from '../../src/monitor/batch.js';
import { createRuntime, type KernelCall } from '../../src/index.js';

function callNamed(kernel: string): KernelCall {
  return { kernel, backend: 'ref', dtype: 'float32', shapes: [], startMs: 0, durationMs: 1, threads: 1, flops: 0, bytes: 0, fallbacks: [], copies: [], verify: 'skipped' };
}

function collector(): { seen: string[]; observer: BatchedObserver } {
  const seen: string[] = [];
  return { seen, observer: { observe: (c) => void seen.push(c.kernel) } };
}

test('calls are delivered in order at flush(), and built only then', () => {
  const { seen, observer } = collector();
  const batch = new CallBatch([observer]);
  let built = 0;
  batch.record(() => (built++, callNamed('a')));
  batch.push(callNamed('b'));
  batch.record(() => (built++, callNamed('c')));
  assert.deepEqual(seen, []);
  assert.equal(built, 0, 'nothing is built before delivery');
  batch.flush();
  assert.deepEqual(seen, ['a', 'b', 'c']);
  assert.equal(built, 2);
  batch.flush();
  assert.deepEqual(seen, ['a', 'b', 'c'], 'each call once');
});

test('a call that finds BATCH_CAPACITY calls waiting delivers the oldest BATCH_SLICE; the rest come by the end of the event-loop turn', async () => {
  const { seen, observer } = collector();
  const batch = new CallBatch([observer]);
  assert.ok(BATCH_SLICE > 1 && BATCH_CAPACITY > BATCH_SLICE);
  for (let i = 0; i < BATCH_CAPACITY - 1; i++) {
    batch.push(callNamed(String(i)));
  }
  assert.equal(seen.length, 0);
  batch.push(callNamed(String(BATCH_CAPACITY - 1)));
  assert.equal(seen.length, BATCH_SLICE, 'the call that fills the batch delivers one slice');
  batch.push(callNamed('a'));
  assert.equal(seen.length, BATCH_SLICE, 'fewer than BATCH_CAPACITY wait again');
  // A loop that never yields: every BATCH_SLICE-th call delivers a slice, so the waiting list
  // stays under BATCH_CAPACITY and no call delivers more than BATCH_SLICE.
  for (let i = 0; i < 100; i++) {
    const before = seen.length;
    batch.push(callNamed(`b${i}`));
    const pushed = BATCH_CAPACITY + 2 + i; // 0 .. CAPACITY-1, a, b0 .. bi
    assert.ok(pushed - seen.length < BATCH_CAPACITY, `call b${i}: ${pushed - seen.length} waiting`);
    assert.ok(seen.length - before === 0 || seen.length - before === BATCH_SLICE, `call b${i} delivered ${seen.length - before}`);
  }
  assert.equal(seen.length, BATCH_SLICE * (1 + Math.floor(101 / BATCH_SLICE)));
  // Delivered records are not kept: the list holds only the waiting ones, however long the loop.
  for (let i = 0; i < 20 * BATCH_CAPACITY; i++) {
    batch.push(callNamed(`c${i}`));
  }
  const held = (batch as unknown as { pending: unknown[] }).pending.length;
  assert.ok(held < BATCH_CAPACITY, `${held} records held after ${20 * BATCH_CAPACITY} more calls`);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(seen.length, BATCH_CAPACITY + 101 + 20 * BATCH_CAPACITY);
  assert.deepEqual(seen.slice(0, 3), ['0', '1', '2']);
  assert.deepEqual(seen.slice(BATCH_CAPACITY, BATCH_CAPACITY + 2), ['a', 'b0'], 'in order');
  assert.equal(seen[BATCH_CAPACITY + 100], 'b99');
  assert.equal(seen.at(-1), `c${20 * BATCH_CAPACITY - 1}`);
});

test('an observer whose own calls are recorded while it is delivered sees every call once, in order', () => {
  const seen: string[] = [];
  let batch: CallBatch;
  const observer: BatchedObserver = {
    observe: (call) => {
      seen.push(call.kernel);
      if (!call.kernel.startsWith('inner')) {
        // As an observer that runs a kernel would: its call is recorded into the same batch.
        batch.push(callNamed(`inner-${call.kernel}`));
      }
    },
  };
  batch = new CallBatch([observer]);
  for (let i = 0; i < BATCH_CAPACITY + 40; i++) {
    batch.push(callNamed(String(i)));
  }
  batch.flush();
  // Calls recorded while a flush delivers wait for the next delivery (as before batching by slices).
  batch.flush();
  const outer = seen.filter((k) => !k.startsWith('inner'));
  const inner = seen.filter((k) => k.startsWith('inner'));
  assert.deepEqual(outer, Array.from({ length: BATCH_CAPACITY + 40 }, (_, i) => String(i)));
  assert.deepEqual(inner, outer.map((k) => `inner-${k}`));
});

test('capture runs while the call is recorded and its value reaches that observer with the call', () => {
  let now = 'first';
  const got: [string, unknown][] = [];
  const capturing: BatchedObserver = { capture: () => now, observe: (c, captured) => void got.push([c.kernel, captured]) };
  const plain = collector();
  const batch = new CallBatch([plain.observer, capturing]);
  batch.push(callNamed('a'));
  now = 'second';
  batch.push(callNamed('b'));
  now = 'later';
  batch.flush();
  assert.deepEqual(got, [['a', 'first'], ['b', 'second']]);
  assert.deepEqual(plain.seen, ['a', 'b']);
});

test('an added observer sees only later calls; a removed one first gets the calls it is owed', () => {
  const a = collector();
  const b = collector();
  const batch = new CallBatch([a.observer]);
  batch.push(callNamed('1'));
  const stopB = batch.add(b.observer);
  batch.push(callNamed('2'));
  stopB();
  assert.deepEqual(b.seen, ['2'], 'delivered when removed');
  batch.push(callNamed('3'));
  batch.flush();
  assert.deepEqual(a.seen, ['1', '2', '3']);
  assert.deepEqual(b.seen, ['2']);
  assert.equal(batch.size, 1);
});

test('an observer that throws is removed with a warning; the others keep their calls and captured values', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    let n = 0;
    const got: unknown[] = [];
    const broken: BatchedObserver = { observe: () => { throw new Error('broken hook'); } };
    const capturing: BatchedObserver = { capture: () => ++n, observe: (_c, captured) => void got.push(captured) };
    const batch = new CallBatch([broken, capturing]);
    batch.push(callNamed('a'));
    batch.push(callNamed('b'));
    batch.flush();
    assert.deepEqual(got, [1, 2], 'the captured values stay with their observer');
    assert.equal(batch.size, 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(warnings.some((w) => w.includes('broken hook')), warnings.join('; '));
  } finally {
    process.off('warning', onWarning);
  }
});

test('a runtime\'s batched event keeps the call\'s inputs even when the caller reuses its array', async () => {
  const hp = await createRuntime({ require: 'ref' });
  try {
    const seen: KernelCall[] = [];
    hp.observeBatched({ observe: (c) => void seen.push(c) });
    const x = hp.tensor(Float32Array.from([1, 2, 3]), [3]);
    const y = hp.tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]);
    const args = [x];
    hp.run('exp', args)[0]!.release();
    args[0] = y;
    x.release();
    assert.equal(seen.length, 0, 'not delivered before the turn ends or stats() is read');
    hp.stats();
    assert.deepEqual(seen.map((c) => [c.kernel, c.shapes]), [['exp', [[3]]]]);
  } finally {
    await hp.close();
  }
});
