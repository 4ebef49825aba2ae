import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heap, RESERVED_BYTES } from '../../src/runtime/heap.js';
import { createRuntime, HotpathError } from '../../src/index.js';
import { codeOf, values } from '../helpers.js';

test('blocks are 64-byte aligned, reused after release, and merged with free neighbours', () => {
  const heap = new Heap({ initialBytes: 4 << 20 });
  const a = heap.alloc(10);
  const b = heap.alloc(100);
  const c = heap.alloc(64);
  assert.equal(a, RESERVED_BYTES);
  assert.equal(b, a + 64);
  assert.equal(c, b + 128);
  assert.ok([a, b, c].every((o) => o % 64 === 0));
  heap.release(a);
  heap.release(b);
  // a and b merged: 192 bytes fit where they were.
  assert.equal(heap.alloc(192), a);
  assert.deepEqual(heap.stats().blocks, 2);
  assert.throws(() => heap.release(12345), /not allocated/);
});

test('the heap grows when nothing fits, and tensor views follow the new buffer', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const small = hp.tensor([1, 2, 3]);
  const before = small.data();
  const big = hp.empty([16 << 20], 'float32'); // 64 MiB: more than the initial heap
  assert.notEqual(small.data(), before, 'the typed array was re-made over the grown memory');
  assert.deepEqual(values(small), [1, 2, 3]);
  assert.equal(big.storage.byteOffset % 64, 0);
  assert.deepEqual(values(hp.add(small, small)), [2, 4, 6]);
});

test('a tensor beyond the heap limit is a MEMORY error with the size and a hint', async () => {
  const hp = await createRuntime({ backends: ['ref'], heapBytes: 8 << 20 });
  assert.throws(() => hp.empty([4 << 20], 'float64'), (error: unknown) => {
    assert.ok(error instanceof HotpathError);
    assert.equal(error.code, 'MEMORY');
    assert.match(error.message, /a request for 33554432 bytes/);
    assert.match(error.message, /in chunks/);
    return true;
  });
  // The failed request left the heap usable.
  assert.deepEqual(values(hp.tensor([5])), [5]);
  assert.equal(codeOf(() => hp.empty([1.5])), 'SHAPE');
  await assert.rejects(createRuntime({ heapBytes: -1 }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
});

test('released storage returns to the heap; empty() is zero-filled even over reused bytes', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const heap = (hp as unknown as { parts: { heap: Heap } }).parts.heap;
  const used = heap.stats().usedBytes;
  const t = hp.tensor(new Float32Array(1000).fill(7));
  const offset = t.storage.byteOffset;
  t.release();
  assert.equal(heap.stats().usedBytes, used);
  const again = hp.empty([1000]);
  assert.equal(again.storage.byteOffset, offset);
  assert.ok(values(again).every((v) => v === 0));
});

test('MEMORY names the largest block the heap can provide, after the reserved bytes and the holes', async () => {
  // 4 MiB limit, 1 MiB reserved for the wasm modules: at most 3 MiB in one block.
  const hp = await createRuntime({ backends: ['ref'], heapBytes: 4 << 20 });
  const request = 3.5 * 2 ** 20;
  const largestOf = (fn: () => unknown): number => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof HotpathError && error.code === 'MEMORY', String(error));
      assert.match(error.message, new RegExp(`a request for ${request} bytes`));
      const m = /at most (\d+) bytes in one block/.exec(error.message);
      assert.ok(m !== null, error.message);
      return Number(m[1]);
    }
    return assert.fail('no MEMORY error');
  };
  assert.equal(largestOf(() => hp.empty([request], 'uint8')), 3 << 20);
  // Fill the heap with 1 MiB blocks, free every other one: 1 MiB holes, nothing larger.
  const blocks = [0, 1, 2].map(() => hp.empty([1 << 20], 'uint8'));
  blocks[0]!.release();
  blocks[2]!.release();
  const largest = largestOf(() => hp.empty([request], 'uint8'));
  assert.equal(largest, 1 << 20);
  assert.ok(largest < request, 'the message never offers more than was asked for');
  await hp.close();
});
