import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeOf, values } from '../helpers.js';
import { createRuntime, HotpathError } from '../../src/index.js';
import { broadcastShapes, layoutOf, reshapeStrides, rowStrides, colStrides } from '../../src/tensor/layout.js';

test('stride math: row, col, layout names, broadcast', () => {
  assert.deepEqual(rowStrides([2, 3, 4]), [12, 4, 1]);
  assert.deepEqual(colStrides([2, 3, 4]), [1, 2, 6]);
  assert.equal(layoutOf([2, 3], [3, 1]), 'row');
  assert.equal(layoutOf([2, 3], [1, 2]), 'col');
  assert.equal(layoutOf([2, 3], [6, 2]), 'strided');
  assert.equal(layoutOf([1, 3], [99, 1]), 'row', 'size-1 dims carry no stride information');
  assert.deepEqual(broadcastShapes([3, 1, 5], [4, 1]), [3, 4, 5]);
  assert.equal(broadcastShapes([3, 2], [3]), null);
});

test('reshape strides: views where the classic rule allows, null otherwise', () => {
  // A [4,6] row-major matrix sliced to its first 3 columns: rows stay separate.
  assert.equal(reshapeStrides([4, 3], [6, 1], [12]), null);
  assert.deepEqual(reshapeStrides([4, 3], [6, 1], [2, 2, 3]), [12, 6, 1]);
  // Transposed [3,4] (strides [1,3]) cannot merge into 12 elements in C order.
  assert.equal(reshapeStrides([4, 3], [1, 4], [12]), null);
  assert.deepEqual(reshapeStrides([4, 3], [1, 4], [4, 3, 1]), [1, 4, 1]);
});

test('tensor(): values, dtypes, nested arrays, col layout', async () => {
  const hp = await createRuntime();
  const t = hp.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.equal(t.toString(), 'f32[2,3]');
  const c = hp.tensor(new Float64Array([1, 4, 2, 5, 3, 6]), [2, 3], { layout: 'col' });
  assert.equal(c.layout, 'col');
  assert.equal(c.toString(), 'f64[2,3] col');
  assert.deepEqual(values(c), [1, 2, 3, 4, 5, 6]);
  assert.equal(c.get(1, 0), 4);
  assert.equal(c.get(-1, -1), 6);
  const big = hp.tensor([1n, -2n], [2]);
  assert.equal(big.dtype, 'int64');
  assert.equal(codeOf(() => hp.tensor([1, 2, 3], [2, 2])), 'SHAPE');
  assert.equal(codeOf(() => hp.tensor([[1, 2], [3]])), 'SHAPE');
  assert.equal(codeOf(() => hp.tensor([1.5], [1], { dtype: 'int64' })), 'DTYPE');
  assert.equal(codeOf(() => hp.tensor([1], [1], { dtype: 'float16' as never })), 'DTYPE');
  assert.equal(codeOf(() => hp.tensor(['a'] as never)), 'ARGUMENT');
});

test('views share storage: transpose, slice, reshape, broadcast, moveAxis', async () => {
  const hp = await createRuntime();
  const base = hp.tensor(Float32Array.from({ length: 12 }, (_, i) => i), [3, 4]);
  const t = base.transpose();
  assert.deepEqual(t.shape, [4, 3]);
  assert.deepEqual(t.strides, [1, 4]);
  assert.equal(t.storage, base.storage);
  assert.deepEqual(values(t), [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  const s = base.slice([1, 3], [0, 4, 2]);
  assert.deepEqual(s.shape, [2, 2]);
  assert.equal(s.offset, 4);
  assert.deepEqual(values(s), [4, 6, 8, 10]);
  const rev = base.slice(null, [undefined, undefined, -1]);
  assert.deepEqual(values(rev.slice(0)), [3, 2, 1, 0]);
  assert.deepEqual(values(base.slice(2)), [8, 9, 10, 11], 'an index drops the axis');
  assert.deepEqual(base.slice([5, 9]).shape, [0, 4], 'out-of-range slices clamp to empty');
  const r = base.reshape([2, -1]);
  assert.deepEqual(r.shape, [2, 6]);
  assert.equal(r.storage, base.storage);
  const b = hp.tensor([1, 2, 3]).broadcastTo([2, 3]);
  assert.deepEqual(b.strides, [0, 1]);
  assert.deepEqual(values(b), [1, 2, 3, 1, 2, 3]);
  assert.deepEqual(hp.empty([2, 3, 4]).moveAxis(2, 0).shape, [4, 2, 3]);
  base.data()[0] = 100;
  assert.equal(t.get(0, 0), 100, 'a write through the base is visible in the view');
});

test('reshape that needs a copy is a LAYOUT error naming contiguous()', async () => {
  const hp = await createRuntime();
  const t = hp.tensor(Float32Array.from({ length: 6 }, (_, i) => i), [2, 3]).transpose();
  assert.throws(() => t.reshape([6]), (error: unknown) => {
    assert.ok(error instanceof HotpathError);
    assert.equal(error.code, 'LAYOUT');
    assert.match(error.message, /contiguous\(\)/);
    return true;
  });
  const c = t.contiguous();
  assert.notEqual(c.storage, t.storage);
  assert.deepEqual(values(c.reshape([6])), [0, 3, 1, 4, 2, 5]);
  const col = t.contiguous('col');
  assert.equal(col.layout, 'col');
  assert.deepEqual(values(col), values(t));
  assert.equal(codeOf(() => t.reshape([4])), 'SHAPE');
  assert.equal(codeOf(() => t.reshape([-1, -1])), 'SHAPE');
  assert.equal(codeOf(() => t.transpose([0, 0])), 'ARGUMENT');
  assert.equal(codeOf(() => t.slice([0, 1, 0])), 'ARGUMENT');
  assert.equal(codeOf(() => t.slice(5)), 'ARGUMENT');
  assert.equal(codeOf(() => hp.tensor([1, 2]).broadcastTo([3])), 'SHAPE');
});

test('use after release throws LIFETIME naming the tensor, its storage and the release (its site with debug.releaseStacks)', async () => {
  const debug = await createRuntime({ debug: { releaseStacks: true } });
  const early = debug.tensor([1]);
  early.release();
  const released = debug.tensor([1, 2]);
  released.release();
  assert.throws(() => released.toArray(), new RegExp(`storage ${released.storage.id} released at .*tensor\\.test\\.ts.* \\(release #2\\)`));
  await debug.close();
  const hp = await createRuntime();
  const base = hp.tensor([1, 2, 3, 4], [2, 2], { name: 'weights' });
  const view = base.transpose();
  base.release();
  assert.throws(() => view.toArray(), (error: unknown) => {
    assert.ok(error instanceof HotpathError);
    assert.equal(error.code, 'LIFETIME');
    assert.match(error.message, new RegExp(`storage ${base.storage.id} released by release #1 \\(createRuntime\\(\\{ debug: \\{ releaseStacks: true \\} \\}\\) records where\\)`));
    return true;
  });
  assert.throws(() => base.toArray(), /'weights' f32\[2,2\] is used after release/);
  assert.throws(() => hp.add(view, view), (error: unknown) => error instanceof HotpathError && error.code === 'LIFETIME' && error.kernel === 'add');
  base.release();
  // Releasing a view ends only the view.
  const other = hp.tensor([1, 2]);
  const v = other.slice([0, 1]);
  v[Symbol.dispose]();
  assert.equal(codeOf(() => v.toArray()), 'LIFETIME');
  assert.deepEqual(values(other), [1, 2]);
});

test('scope() releases what fn created except what it returns; memory() counts', async () => {
  const hp = await createRuntime();
  const before = hp.memory();
  assert.deepEqual(before, { tensors: 0, storages: 0, bytes: 0 });
  const kept = hp.scope(() => {
    const a = hp.tensor([1, 2, 3, 4], [2, 2]);
    const b = hp.add(a, a);
    hp.mul(a, b);
    return { result: b.transpose() };
  });
  assert.deepEqual(values(kept.result), [2, 6, 4, 8]);
  // The returned view and the storage it needs stay; a, the product and other views are gone.
  assert.deepEqual(hp.memory(), { tensors: 1, storages: 1, bytes: 16 });
  const nested = hp.scope(() => hp.scope(() => hp.tensor([5])));
  assert.equal(nested.item(), 5);
  await hp.scope(async () => {
    hp.tensor([1]);
  });
  assert.equal(hp.memory().tensors, 2);
  assert.throws(() =>
    hp.scope(() => {
      hp.tensor([1, 2]);
      throw new Error('boom');
    }),
  );
  assert.equal(hp.memory().tensors, 2, 'a throwing scope still releases');
  kept.result.release();
  nested.release();
  assert.equal(kept.result.storage.released, true, 'the last view of a scope-returned view frees its storage');
  assert.deepEqual(hp.memory(), { tensors: 0, storages: 0, bytes: 0 });
});

test('a released storage is not counted, and neither are its views', async () => {
  const hp = await createRuntime();
  const a = hp.empty([10], 'float64');
  a.slice([0, 5]);
  a.transpose();
  assert.deepEqual(hp.memory(), { tensors: 3, storages: 1, bytes: 80 });
  a.release();
  assert.deepEqual(hp.memory(), { tensors: 0, storages: 0, bytes: 0 });
});

test('release() records no stack unless debug.releaseStacks asks for one', async () => {
  // Counts `new Error(...)` made while tensors are released: capturing a stack per release cost
  // ~1.4 us, so the default keeps only the release's number.
  const OriginalError = globalThis.Error;
  let made = 0;
  class Counting extends OriginalError {
    constructor(...args: ConstructorParameters<ErrorConstructor>) {
      super(...args);
      made++;
    }
  }
  for (const [debug, expected] of [[false, 0], [true, 200]] as const) {
    const hp = await createRuntime({ backends: ['ref'], debug: { releaseStacks: debug } });
    const tensors = Array.from({ length: 100 }, () => hp.tensor([1, 2]));
    const views = tensors.map((t) => t.transpose());
    made = 0;
    globalThis.Error = Counting as ErrorConstructor;
    try {
      views.forEach((v) => v.release());
      tensors.forEach((t) => t.release());
    } finally {
      globalThis.Error = OriginalError;
    }
    assert.equal(made, expected, `releaseStacks ${debug}`);
    await hp.close();
  }
});
