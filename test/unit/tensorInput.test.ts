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
