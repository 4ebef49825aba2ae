/**
 * The view methods added for the shape ops (squeeze, unsqueeze, flatten, expand) share storage
 * with their base (writes show through, no copy is counted), toNested is numpy's tolist, and the
 * numpy constructors (full, ones, arange, linspace) give numpy's values (written out by hand).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { codeOf, values } from '../helpers.js';
import { createRuntime } from '../../src/index.js';

const hp = await createRuntime({ require: 'ref' });
after(() => hp.close());

test('squeeze / unsqueeze / flatten / expand are views of the same storage', () => {
  hp.scope(() => {
    const base = hp.tensor([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const copies = JSON.stringify(hp.stats().copies);
    const sq = base.squeeze();
    assert.deepEqual(sq.shape, [2, 3]);
    const un = sq.unsqueeze([-1, 0]);
    assert.deepEqual(un.shape, [1, 2, 3, 1]);
    assert.deepEqual(un.strides, [6, 3, 1, 1]);
    const flat = base.flatten();
    assert.deepEqual(flat.shape, [6]);
    assert.deepEqual(base.flatten(2).shape, [2, 3]);
    assert.deepEqual(base.flatten(0).shape, [1, 6]);
    const col = base.slice(0, null, [0, 1]); // [2, 1], stride 3
    const ex = col.expand([2, 1, 4]);
    assert.deepEqual(ex.shape, [2, 2, 4]);
    assert.deepEqual(ex.strides, [0, 3, 0]);
    for (const v of [sq, un, flat, ex]) {
      assert.equal(v.storage, base.storage, `${v.describe()} shares storage`);
    }
    base.data()[3] = 40;
    assert.deepEqual(values(sq), [1, 2, 3, 40, 5, 6]);
    assert.deepEqual(values(ex), [1, 1, 1, 1, 40, 40, 40, 40, 1, 1, 1, 1, 40, 40, 40, 40]);
    assert.equal(JSON.stringify(hp.stats().copies), copies, 'no copy made');
    assert.equal(codeOf(() => base.transpose().flatten()), 'LAYOUT', 'a transposed view cannot flatten without a copy');
    assert.equal(codeOf(() => base.squeeze([1])), 'SHAPE');
    assert.equal(codeOf(() => base.unsqueeze([5])), 'ARGUMENT');
    assert.equal(codeOf(() => base.expand([2, 2])), 'SHAPE');
    assert.equal(codeOf(() => base.flatten(4)), 'ARGUMENT');
    base.release();
    assert.equal(codeOf(() => sq.squeeze()), 'LIFETIME');
  });
});

test('toNested is numpy tolist: nested arrays in logical order, bigint for int64, a scalar for rank 0', () => {
  hp.scope(() => {
    assert.deepEqual(hp.tensor([[1, 2], [3, 4]]).clone('col').toNested(), [[1, 2], [3, 4]]);
    assert.deepEqual(hp.tensor([1, 2, 3, 4, 5, 6], [2, 3]).transpose().toNested(), [[1, 4], [2, 5], [3, 6]]);
    assert.deepEqual(hp.tensor([5n, -1n]).toNested(), [5n, -1n]);
    assert.equal(hp.tensor(7).toNested(), 7);
    assert.deepEqual(hp.empty([2, 0]).toNested(), [[], []]);
  });
});

test('full, ones, arange and linspace give numpy values', () => {
  hp.scope(() => {
    const f = hp.full([2, 2], 7, 'int32');
    assert.equal(f.dtype, 'int32');
    assert.deepEqual(values(f), [7, 7, 7, 7]);
    assert.deepEqual(values(hp.full([2], 3n)), [3n, 3n]);
    assert.deepEqual(values(hp.ones([3], 'int64')), [1n, 1n, 1n]);
    assert.equal(hp.ones([2, 3]).dtype, 'float32');
    assert.deepEqual(values(hp.arange(5)), [0, 1, 2, 3, 4]);
    assert.deepEqual(values(hp.arange(5, 0, -2, 'int32')), [5, 3, 1]);
    // numpy: len(np.arange(0, 1, 0.1)) == 10; np.arange(1, 1.3, 0.1) has 4 values, because
    // (1.3 - 1) / 0.1 is 3.0000000000000004 in float64 and numpy takes its ceil.
    assert.equal(hp.arange(0, 1, 0.1).size, 10);
    assert.deepEqual(values(hp.arange(1, 1.3, 0.1, 'float64')), [1, 1.1, 1.2000000000000002, 1.3000000000000003]);
    // numpy's float32 fill works in float32 (values numpy 2.4 gives, printed as float64):
    assert.deepEqual(values(hp.arange(0.1, 1, 0.3)), [0.10000000149011612, 0.4000000059604645, 0.7000000476837158]);
    assert.deepEqual(values(hp.arange(1, 1.3, 0.1)), [1, 1.100000023841858, 1.2000000476837158, 1.3000000715255737]);
    assert.deepEqual(values(hp.linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(values(hp.linspace(0, 1, 5, { endpoint: false, dtype: 'float64' })), [0, 0.2, 0.4, 0.6000000000000001, 0.8]);
    assert.deepEqual(values(hp.linspace(2, 3, 1)), [2]);
    assert.equal(hp.linspace(0, 1).size, 50);
    assert.equal(codeOf(() => hp.full([2], 1.5, 'int32')), 'ARGUMENT');
    assert.equal(codeOf(() => hp.full([2], 300, 'uint8')), 'ARGUMENT');
    assert.equal(codeOf(() => hp.full([-1], 0)), 'SHAPE');
    assert.equal(codeOf(() => hp.ones([2], 'float16' as never)), 'DTYPE');
    assert.equal(codeOf(() => hp.arange(0, 1, 0)), 'ARGUMENT');
    assert.equal(codeOf(() => hp.linspace(0, 1, -1)), 'ARGUMENT');
    assert.equal(codeOf(() => hp.linspace(0, NaN)), 'ARGUMENT');
  });
  assert.equal(hp.memory().tensors, 0);
});
