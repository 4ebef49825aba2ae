/** How tensors print and serialise (issue 8): numpy-like util.inspect, a small toJSON. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { createRuntime } from '../../src/index.js';

test('util.inspect prints a tensor like numpy: values, dtype, shape, layout, name', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const t = hp.tensor([[1, 2], [3, 4.5]], undefined, { name: 'w' });
  assert.equal(inspect(t), "tensor([[ 1.,  2.],\n        [ 3., 4.5]], dtype=float32, shape=[2,2], layout=row, name='w')");
  const ints = hp.tensor([[1, 2, 3], [4, 5, 6]], undefined, { dtype: 'int32', layout: 'col', name: 'i' });
  assert.equal(inspect(ints), "tensor([[1, 2, 3],\n        [4, 5, 6]], dtype=int32, shape=[2,3], layout=col, name='i')");
  // A transposed view prints its own (logical) order.
  assert.equal(inspect(ints.transpose()).split(', dtype')[0], 'tensor([[1, 4],\n        [2, 5],\n        [3, 6]]');
  assert.equal(inspect({ weights: t }).startsWith('{\n  weights: tensor([[ 1.,  2.],'), true);
  await hp.close();
});

test('a large tensor is elided with ... (3 items at each edge past 1000 elements, as numpy)', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const t = hp.tensor(Float32Array.from({ length: 40 * 50 }, (_, i) => i), [40, 50]);
  const text = inspect(t);
  const lines = text.split('\n');
  assert.equal(lines.length, 7, text);
  assert.equal(lines[3]!.trim(), '...,');
  assert.match(lines[0]!, /^tensor\(\[\[\s*0\.,\s*1\.,\s*2\., \.\.\.,\s*47\.,\s*48\.,\s*49\.\],$/);
  assert.match(lines[6]!, /\[1950\., 1951\., 1952\., \.\.\., 1997\., 1998\., 1999\.\]\], dtype=float32, shape=\[40,50\]/);
  assert.ok(text.length < 1000);
  await hp.close();
});

test('a released tensor prints as released instead of throwing', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const t = hp.tensor([1, 2], undefined, { name: 'gone' });
  t.release();
  assert.equal(inspect(t), "tensor(<released>, dtype=float32, shape=[2], layout=row, name='gone')");
  assert.equal(JSON.stringify(t), '{"name":"gone","dtype":"float32","shape":[2],"layout":"row"}');
  await hp.close();
});

test('JSON.stringify gives the description, not the heap', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const holes = Array.from({ length: 50 }, () => hp.tensor([1]));
  holes.filter((_, i) => i % 2 === 0).forEach((t) => t.release());
  const t = hp.tensor([[1, 2, 3], [4, 5, 6]], undefined, { name: 'x' });
  assert.deepEqual(JSON.parse(JSON.stringify(t)), { name: 'x', dtype: 'float32', shape: [2, 3], layout: 'row' });
  const v = t.transpose();
  assert.deepEqual(JSON.parse(JSON.stringify({ x: v })), { x: { name: v.name, dtype: 'float32', shape: [3, 2], layout: 'col' } });
  await hp.close();
});
