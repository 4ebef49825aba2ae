/**
 * Bad input found in review: each case must be a coded HotpathError, never a raw TypeError,
 * a silent conversion or garbage.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime, HotpathError } from '../../src/index.js';
import { codeOf, values } from '../helpers.js';

test('malformed arguments are coded errors', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const x = hp.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.equal(codeOf(() => hp.empty([2], 'bfloat16' as never)), 'DTYPE');
  assert.equal(codeOf(() => hp.empty([2], 'float32', { layout: 'diagonal' as never })), 'ARGUMENT');
  assert.equal(codeOf(() => x.reshape(6 as never)), 'SHAPE');
  assert.equal(codeOf(() => x.transpose(3 as never)), 'ARGUMENT');
  assert.equal(codeOf(() => hp.matmul(null as never, x)), 'ARGUMENT');
  assert.equal(codeOf(() => hp.run('relu', x as never)), 'ARGUMENT');
  assert.equal(codeOf(() => x.broadcastTo([-1])), 'SHAPE');
  assert.equal(codeOf(() => x.broadcastTo([2, 1.5])), 'SHAPE');
  assert.equal(codeOf(() => x.contiguous('strided' as never)), 'ARGUMENT');
  await assert.rejects(createRuntime(null as never), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
  await assert.rejects(createRuntime({ backends: 'ref' as never }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
});

test('integer dtypes take only integers in range', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  assert.equal(codeOf(() => hp.tensor([2 ** 31], [1], { dtype: 'int32' })), 'DTYPE');
  assert.equal(codeOf(() => hp.tensor([1.7], [1], { dtype: 'int32' })), 'DTYPE');
  assert.equal(codeOf(() => hp.tensor([300], [1], { dtype: 'uint8' })), 'DTYPE');
  assert.equal(codeOf(() => hp.tensor([-1], [1], { dtype: 'uint8' })), 'DTYPE');
  assert.equal(codeOf(() => hp.tensor([1e300], [1], { dtype: 'int64' })), 'DTYPE');
  assert.deepEqual(values(hp.tensor([-(2 ** 31), 2 ** 31 - 1], [2], { dtype: 'int32' })), [-(2 ** 31), 2 ** 31 - 1]);
  assert.deepEqual(values(hp.tensor([2n ** 64n - 1n], [1], { dtype: 'uint64' })), [2n ** 64n - 1n]);
  assert.deepEqual(values(hp.tensor(Float64Array.from([0.1]), [1], { dtype: 'float32' })), [Math.fround(0.1)]);
});

test('a tensor from another runtime is refused, not read from the wrong heap', async () => {
  const hp = await createRuntime();
  const other = await createRuntime();
  const a = hp.tensor([1, 1]);
  const b = other.tensor([2, 2]);
  assert.throws(() => hp.add(a, b), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /another runtime/.test(e.message));
  assert.throws(() => hp.relu(b), /belongs to another runtime/);
  await hp.close();
  await other.close();
});

test('gemm checks C even when beta = 0; a verify mismatch leaks nothing', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const a = hp.tensor([[1, 2], [3, 4]]);
  assert.equal(codeOf(() => hp.gemm(a, a, hp.empty([7, 7]), { beta: 0 })), 'SHAPE');
});

test('a view returned from scope() keeps its storage until the view is released', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const v = hp.scope(() => hp.tensor([1, 2, 3, 4], [2, 2]).transpose());
  assert.deepEqual(values(v), [1, 3, 2, 4]);
  assert.deepEqual(hp.memory(), { tensors: 1, storages: 1, bytes: 16 });
  v.release();
  assert.deepEqual(hp.memory(), { tensors: 0, storages: 0, bytes: 0 });
  assert.equal(v.storage.released, true, 'the last view took the storage with it');
});

test('clone() always copies; storage.data of released storage throws LIFETIME', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const a = hp.tensor([1, 2]);
  const c = a.clone();
  a.release();
  assert.deepEqual(values(c), [1, 2]);
  assert.equal(codeOf(() => a.storage.data), 'LIFETIME');
});
