/** runtime.tensor(): layouts of nested data, the order of checks, options (issue 8). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime } from '../../src/index.js';
import { codeOf, values } from '../helpers.js';

test("nested data keeps its values with layout 'col'; only the memory order changes (numpy order='F')", async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const t = hp.tensor([[1, 2, 3], [4, 5, 6]], undefined, { layout: 'col' });
  assert.equal(t.layout, 'col');
  assert.deepEqual(t.strides, [1, 2]);
  assert.equal(t.get(0, 1), 2);
  assert.equal(t.get(1, 0), 4);
  assert.deepEqual(values(t), [1, 2, 3, 4, 5, 6]);
  // numpy: np.array([[1,2,3],[4,5,6]], order='F').ravel(order='K') is [1, 4, 2, 5, 3, 6].
  assert.deepEqual(Array.from(t.data() as Float32Array), [1, 4, 2, 5, 3, 6]);
  const t3 = hp.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], undefined, { layout: 'col', dtype: 'int32' });
  assert.equal(t3.get(0, 1, 0), 3);
  assert.equal(t3.get(1, 0, 1), 6);
  assert.deepEqual(values(t3), [1, 2, 3, 4, 5, 6, 7, 8]);
  await hp.close();
});

test("flat data with layout 'col' is taken in memory (Fortran) order, as documented", async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const t = hp.tensor(Float32Array.from([1, 4, 2, 5, 3, 6]), [2, 3], { layout: 'col' });
  assert.equal(t.get(0, 1), 2);
  assert.deepEqual(values(t), [1, 2, 3, 4, 5, 6]);
  await hp.close();
});

test('the heap size is checked before any element is converted', async () => {
  // 1 MiB is reserved; a 4 MiB heap cannot take 8 MiB of int32. NaN does not fit int32 either:
  // checking the size first means MEMORY, not the DTYPE that converting first would find.
  const hp = await createRuntime({ backends: ['ref'], heapBytes: 4 << 20 });
  const data = new Float64Array(2 << 20).fill(Number.NaN);
  assert.equal(codeOf(() => hp.tensor(data, undefined, { dtype: 'int32' })), 'MEMORY');
  assert.equal(hp.memory().tensors, 0);
  await hp.close();
});

test('a value that does not fit the dtype leaves no tensor behind', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  assert.equal(codeOf(() => hp.tensor([1, 2.5], undefined, { dtype: 'int32' })), 'DTYPE');
  assert.deepEqual(hp.memory(), { tensors: 0, storages: 0, bytes: 0 });
  await hp.close();
});

test('tensor() and toArray() copy typed arrays bit-exactly at any byte offset and length (wide copies)', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const fc = (await import('fast-check')).default;
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(16), fc.constantFrom('uint8', 'int16', 'float32', 'float64'), (bytes, skip, dtype) => {
      const width = { uint8: 1, int16: 2, float32: 4, float64: 8 }[dtype];
      // A source at a byte offset that is only a multiple of the element width.
      const count = Math.floor(Math.max(0, bytes.length - skip * width) / width);
      const buffer = new ArrayBuffer(skip * width + count * width);
      new Uint8Array(buffer).set(bytes.subarray(0, buffer.byteLength));
      const Ctor = { uint8: Uint8Array, int16: Int16Array, float32: Float32Array, float64: Float64Array }[dtype];
      const src = new Ctor(buffer, skip * width, count);
      const t = hp.tensor(src);
      const back = t.toArray();
      const expected = new Uint8Array(buffer, skip * width, count * width);
      const got = new Uint8Array(back.buffer, back.byteOffset, back.byteLength);
      assert.deepEqual(Array.from(got), Array.from(expected));
      t.release();
    }),
    { seed: 8, numRuns: 300 },
  );
  // NaN payloads survive (a float64 NaN with a payload, as bits).
  const bits = new BigUint64Array([0x7ff4000000000001n, 0xfff8000000000abcn]);
  const t = hp.tensor(new Float64Array(bits.buffer));
  assert.deepEqual(Array.from(new BigUint64Array((t.toArray() as Float64Array).buffer)), Array.from(bits));
  // Zero-filled storage over reused bytes of any length.
  const dirty = hp.tensor(new Uint8Array(77).fill(255));
  dirty.release();
  assert.ok(Array.from(hp.empty([77], 'uint8').toArray() as Uint8Array).every((v) => v === 0));
  await hp.close();
});
