/**
 * run() and explain() around layout conversions and failures (issue 8): nothing leaks when a
 * call fails, explain() copies nothing, a released input is LIFETIME before anything else.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime, type Backend, type BackendFactory } from '../../src/index.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { codeOf } from '../helpers.js';

/** Runs ref's code, but declines inputs that are not row-major with offset 0 as a layout decline. */
const rowOnly: BackendFactory = {
  name: 'rowOnly',
  async create(): Promise<Backend> {
    const ref = createRefBackend();
    return {
      name: 'rowOnly',
      info: { threads: 1 },
      supports: (_kernel, _plan, inputs) =>
        inputs.every((t) => t === undefined || (t.layout === 'row' && t.offset === 0)) ? true : { reason: 'row-major inputs only', contiguous: true },
      run: (kernel, plan, inputs, outputs) => ref.run(kernel, plan, inputs, outputs),
    };
  },
};
const ref: BackendFactory = { name: 'ref', create: async () => createRefBackend() };

test('run() releases the layout copies when allocating its outputs throws MEMORY', async () => {
  // 4 MiB heap, 1 MiB reserved: the 32 KiB copy of x fits, the 16 MiB distance matrix does not.
  const hp = await createRuntime({ backends: [rowOnly, ref], heapBytes: 4 << 20 });
  const x = hp.tensor(new Float32Array(2048 * 4), [2048, 4], { layout: 'col' });
  const y = hp.tensor(new Float32Array(2048 * 4), [2048, 4]);
  const before = hp.memory();
  for (let i = 0; i < 3; i++) {
    assert.equal(codeOf(() => hp.pairwiseDistances(x, y)), 'MEMORY');
  }
  assert.deepEqual(hp.memory(), before);
  await hp.close();
});

test('run() releases the outputs it did allocate when a later output does not fit', async () => {
  // layerNorm has three outputs: y like x and the two [rows, 1] statistics. x and y take 1.5 MiB
  // each of the 3 MiB a 4 MiB heap has after its reserved 1 MiB, so the statistics cannot fit.
  const hp = await createRuntime({ backends: ['ref'], heapBytes: 4 << 20 });
  const x = hp.tensor(new Float32Array(384 * 1024), [384 * 1024, 1]);
  const before = hp.memory();
  assert.equal(codeOf(() => hp.layerNorm(x)), 'MEMORY');
  assert.deepEqual(hp.memory(), before);
  await hp.close();
});

test('explain() describes the layout copy without making it', async () => {
  // x takes 2 MiB of a 4 MiB heap (1 MiB reserved): a copy of x would not fit, so explain()
  // can only answer when it copies nothing.
  const hp = await createRuntime({ backends: [rowOnly, ref], heapBytes: 4 << 20 });
  const x = hp.tensor(new Float32Array(1024 * 512), [1024, 512], { layout: 'col' });
  const before = hp.memory();
  const why = hp.explain('softmax', [x]);
  assert.equal(why.backend, 'rowOnly');
  assert.equal(why.copies, 'row-major inputs only');
  assert.deepEqual(hp.memory(), before);
  assert.deepEqual(Object.keys(hp.stats().copies), ['tensor() copies its data into runtime storage'], 'explain() counts no copy');
  await hp.close();
});

test('a released input is LIFETIME before any dtype, arity or attribute complaint', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const gone = hp.tensor([1, 2, 3, 4], [2, 2]);
  gone.release();
  const ints = hp.tensor([1, 2, 3, 4], [2, 2], { dtype: 'int32' });
  assert.equal(codeOf(() => hp.matmul(ints, gone)), 'LIFETIME');
  assert.equal(codeOf(() => hp.run('relu', [gone, gone])), 'LIFETIME');
  assert.equal(codeOf(() => hp.softmax(gone, { axis: 7 })), 'LIFETIME');
  assert.equal(codeOf(() => hp.explain('matmul', [ints, gone])), 'LIFETIME');
  await hp.close();
});

test('the layout copy is dispatched as a kernel (transpose, identity perm) to the first backend that takes it', async () => {
  // rowOnly declines the col-major input (also for the copy); `copier` takes only transpose and
  // counts its calls: the copy runs there, not in a scalar loop inside the runtime.
  let copies = 0;
  const copier: BackendFactory = {
    name: 'copier',
    async create(): Promise<Backend> {
      const base = createRefBackend();
      return {
        name: 'copier',
        info: { threads: 1 },
        supports: (kernel) => (kernel.name === 'transpose' ? true : 'copies only'),
        run: (kernel, plan, inputs, outputs) => {
          copies++;
          base.run(kernel, plan, inputs, outputs);
        },
      };
    },
  };
  const hp = await createRuntime({ backends: [rowOnly, copier, ref] });
  const x = hp.tensor([[1, 2, 3], [4, 5, 6]], undefined, { layout: 'col' });
  const before = hp.memory();
  const y = hp.softmax(x);
  assert.equal(copies, 1);
  // softmax of each row, from its definition in float64.
  const expected = [[1, 2, 3], [4, 5, 6]].flatMap((row) => {
    const e = row.map((v) => Math.exp(v - Math.max(...row)));
    return e.map((v) => v / e.reduce((p, q) => p + q, 0));
  });
  Array.from(y.toArray() as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${v} vs ${expected[i]}`));
  y.release();
  assert.deepEqual(hp.memory(), before, 'the copy was released');
  await hp.close();
});
