/**
 * The shape, indexing and extreme-value kernels (reduceMax ... flatten) on small cases worked
 * out by hand (numpy's answers), on every backend, with strided inputs, the edges the ONNX
 * fixtures do not pin (NaN, empty sets, ties, negative indices, clamping) and each bad-input code.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { codeOf, values } from '../helpers.js';
import { createRuntime } from '../../src/index.js';

const all = await createRuntime({ threads: 2, parallelThreshold: 0 });
after(() => all.close());
const BACKENDS = all.backends().filter((b) => b.available).map((b) => b.name);

for (const backend of BACKENDS) {
  describe(`on ${backend}`, () => {
    const hp = all;
    // Off ref, dispatch picks the backend (this one where it takes the call, ref where it declines).
    const opts = backend === 'ref' ? { backend } : {};
    const run = (kernel: Parameters<typeof hp.run>[0], inputs: Parameters<typeof hp.run>[1], attrs: object = {}) => hp.run(kernel, inputs, attrs as never, opts);
    // [[1, 5, 2], [7, 0, 7]] stored transposed: a col-major (strided) input.
    const m = () => hp.tensor([1, 7, 5, 0, 2, 7], [2, 3], { layout: 'col' });

    test('reduceMax / reduceMin: axes, numpy axis, keepdims default true, NaN, empty sets', () => {
      hp.scope(() => {
        const max1 = run('reduceMax', [m()], { axis: 1 })[0]!;
        assert.deepEqual(max1.shape, [2, 1]);
        assert.deepEqual(values(max1), [5, 7]);
        assert.deepEqual(values(run('reduceMin', [m()], { axes: [0], keepdims: false })[0]!), [1, 0, 2]);
        assert.deepEqual(values(run('reduceMax', [m()])[0]!), [7]);
        assert.deepEqual(values(run('reduceMax', [hp.tensor([1, NaN, 3])])[0]!), [NaN]);
        assert.deepEqual(values(run('reduceMin', [hp.tensor([Infinity, NaN])])[0]!), [NaN]);
        assert.deepEqual(values(run('reduceMax', [hp.empty([2, 0])], { axes: [1] })[0]!), [-Infinity, -Infinity]);
        assert.deepEqual(values(run('reduceMin', [hp.empty([0, 2])], { axes: [0] })[0]!), [Infinity, Infinity]);
        assert.deepEqual(values(run('reduceMax', [hp.empty([0], 'int32')])[0]!), [-(2 ** 31)]);
        assert.deepEqual(values(run('reduceMin', [hp.tensor([3n, -9n, 4n])])[0]!), [-9n]);
        const bytes = hp.tensor(Uint8Array.from([7, 200, 0, 3, 9, 1]), [2, 3]).transpose();
        assert.deepEqual(values(run('reduceMax', [bytes], { axes: [1], keepdims: false })[0]!), [7, 200, 1]);
        assert.deepEqual(values(run('reduceMin', [bytes], { axes: [0] })[0]!), [0, 1]);
        assert.deepEqual(values(run('reduceMin', [hp.empty([2, 0], 'uint8')], { axes: [1] })[0]!), [255, 255]);
        // 40 columns: the vector paths (32 outputs at once, 16-lane folds) and their tails.
        const wide = hp.tensor(Uint8Array.from({ length: 3 * 40 }, (_, i) => (i * 37) % 251), [3, 40]);
        const colMax = Array.from({ length: 40 }, (_, j) => Math.max(...[0, 1, 2].map((i) => ((i * 40 + j) * 37) % 251)));
        assert.deepEqual(values(run('reduceMax', [wide], { axes: [0], keepdims: false })[0]!), colMax);
        // Long rows: the 4-accumulator vector loop, its one-vector tail and the scalar tail.
        for (const dtype of ['float32', 'float64'] as const) {
          const n = 1003;
          const data = Array.from({ length: 3 * n }, (_, i) => ((i * 7919) % 1009) - 500.5);
          data[2 * n + 777] = NaN;
          const long = hp.tensor(data, [3, n], { dtype });
          const maxima = [0, 1, 2].map((r) => data.slice(r * n, (r + 1) * n).reduce((m, v) => (Number.isNaN(m) || Number.isNaN(v) ? NaN : Math.max(m, v)), -Infinity));
          assert.deepEqual(values(run('reduceMax', [long], { axis: 1, keepdims: false })[0]!), maxima, dtype);
        }
        const rowMin = [0, 1, 2].map((i) => Math.min(...Array.from({ length: 40 }, (_, j) => ((i * 40 + j) * 37) % 251)));
        assert.deepEqual(values(run('reduceMin', [wide], { axes: [1], keepdims: false })[0]!), rowMin);
      });
    });

    test('bool: reduceMax is any, reduceMin is all (false / true over nothing), copies carry it', () => {
      hp.scope(() => {
        const b = hp.tensor([[1, 0, 0], [1, 1, 1]], undefined, { dtype: 'bool' }).transpose(); // [3, 2]
        assert.deepEqual(run('reduceMax', [b], { axis: 1, keepdims: false })[0]!.toNested(), [true, true, true]);
        assert.deepEqual(run('reduceMin', [b], { axis: 1, keepdims: false })[0]!.toNested(), [true, false, false]);
        assert.deepEqual(run('reduceMax', [hp.empty([0], 'bool')])[0]!.toNested(), [false]);
        assert.deepEqual(run('reduceMin', [hp.empty([0], 'bool')])[0]!.toNested(), [true]);
        const g = run('gather', [run('concat', [b, b], { axis: 1 })[0]!, hp.tensor([2n])], { axis: 0 })[0]!;
        assert.equal(g.dtype, 'bool');
        assert.deepEqual(g.toNested(), [[false, true, false, true]]);
      });
    });

    test('argMax / argMin: first index on ties, selectLastIndex, first NaN, int64', () => {
      hp.scope(() => {
        const a = run('argMax', [m()], { axis: 1 })[0]!;
        assert.equal(a.dtype, 'int64');
        assert.deepEqual(a.shape, [2, 1]);
        assert.deepEqual(values(a), [1n, 0n]);
        assert.deepEqual(values(run('argMax', [m()], { axis: 1, selectLastIndex: true, keepdims: false })[0]!), [1n, 2n]);
        assert.deepEqual(values(run('argMin', [m()], { axis: 0, keepdims: false })[0]!), [0n, 1n, 0n]);
        assert.deepEqual(values(run('argMax', [hp.tensor([1, NaN, 5, NaN])])[0]!), [1n]);
        assert.deepEqual(values(run('argMin', [hp.tensor([1, NaN, -5])])[0]!), [1n]);
      });
    });

    test('cumSum: axis, exclusive, reverse, int32 wraps', () => {
      hp.scope(() => {
        assert.deepEqual(values(run('cumSum', [m()], { axis: 1 })[0]!), [1, 6, 8, 7, 7, 14]);
        assert.deepEqual(values(run('cumSum', [m()], { axis: 0, exclusive: true })[0]!), [0, 0, 0, 1, 5, 2]);
        assert.deepEqual(values(run('cumSum', [hp.tensor([1, 2, 3])], { reverse: true })[0]!), [6, 5, 3]);
        assert.deepEqual(values(run('cumSum', [hp.tensor([2 ** 31 - 1, 1], [2], { dtype: 'int32' })], { axis: 0 })[0]!), [2 ** 31 - 1, -(2 ** 31)]);
      });
    });

    test('topK: largest and smallest, ties by lower index, NaN as the largest', () => {
      hp.scope(() => {
        const [v, i] = run('topK', [m()], { k: 2 });
        assert.deepEqual(values(v!), [5, 2, 7, 7]);
        assert.deepEqual(values(i!), [1n, 2n, 0n, 2n]);
        const [s, si] = run('topK', [m()], { k: 1, axis: 0, largest: false });
        assert.deepEqual(values(s!), [1, 0, 2]);
        assert.deepEqual(values(si!), [0n, 1n, 0n]);
        const [n, ni] = run('topK', [hp.tensor([3, NaN, 9, 3])], { k: 4 });
        assert.deepEqual(values(n!), [NaN, 9, 3, 3]);
        assert.deepEqual(values(ni!), [1n, 2n, 0n, 3n]);
        assert.deepEqual(values(run('topK', [hp.tensor([3, NaN, 9])], { k: 2, largest: false })[0]!), [3, 9]);
      });
    });

    test('concat, gather (negative indices), range', () => {
      hp.scope(() => {
        const c = run('concat', [m(), hp.tensor([[9, 9, 9]])], { axis: 0 })[0]!;
        assert.deepEqual(c.shape, [3, 3]);
        assert.deepEqual(values(c), [1, 5, 2, 7, 0, 7, 9, 9, 9]);
        assert.deepEqual(values(run('concat', [m(), m().slice(null, [1, 3])], { axis: -1 })[0]!), [1, 5, 2, 5, 2, 7, 0, 7, 0, 7]);
        const g = run('gather', [m(), hp.tensor([[-1, 0]], undefined, { dtype: 'int32' })], { axis: 1 })[0]!;
        assert.deepEqual(g.shape, [2, 1, 2]);
        assert.deepEqual(values(g), [2, 1, 7, 7]);
        assert.deepEqual(values(run('range', [], { start: 1, limit: 2, delta: 0.25 })[0]!), [1, 1.25, 1.5, 1.75]);
        assert.deepEqual(values(run('range', [], { start: 5, limit: 0, delta: -2, dtype: 'int64' })[0]!), [5n, 3n, 1n]);
        assert.deepEqual(run('range', [], { start: 3, limit: 1 })[0]!.shape, [0]);
      });
    });

    test('view copies: reshape (0 and -1), squeeze, unsqueeze, flatten, slice (negative, clamped), expand, tile', () => {
      hp.scope(() => {
        const r = run('reshape', [m()], { shape: [0, -1, 1] })[0]!;
        assert.deepEqual(r.shape, [2, 3, 1]);
        assert.deepEqual(values(r), [1, 5, 2, 7, 0, 7]);
        assert.deepEqual(run('reshape', [hp.empty([0, 3])], { shape: [3, 0], allowzero: true })[0]!.shape, [3, 0]);
        assert.deepEqual(run('squeeze', [hp.empty([1, 3, 1])])[0]!.shape, [3]);
        assert.deepEqual(run('squeeze', [hp.empty([1, 3, 1])], { axes: [-1] })[0]!.shape, [1, 3]);
        assert.deepEqual(run('unsqueeze', [m()], { axes: [-1, 0] })[0]!.shape, [1, 2, 3, 1]);
        assert.deepEqual(run('flatten', [hp.empty([2, 3, 4])], { axis: 0 })[0]!.shape, [1, 24]);
        assert.deepEqual(values(run('flatten', [m()], { axis: 2 })[0]!), [1, 5, 2, 7, 0, 7]);
        const s = run('slice', [m()], { starts: [-1, 100], ends: [-1000, -100], axes: [1, 0], steps: [-2, -1] })[0]!;
        // axis 1 from its last element backwards by 2: [2, 1]; axis 0 from row 1 down to row 0.
        assert.deepEqual(s.shape, [2, 2]);
        assert.deepEqual(values(s), [7, 7, 2, 1]);
        assert.deepEqual(values(run('slice', [m()], { starts: [1], ends: [2 ** 63] })[0]!), [7, 0, 7]);
        const e = run('expand', [hp.tensor([1, 2], [2, 1])], { shape: [3, 1, 2] })[0]!;
        assert.deepEqual(e.shape, [3, 2, 2]);
        assert.deepEqual(values(e), [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]);
        const t = run('tile', [hp.tensor([[1, 2]])], { repeats: [2, 2] })[0]!;
        assert.deepEqual(t.shape, [2, 4]);
        assert.deepEqual(values(t), [1, 2, 1, 2, 1, 2, 1, 2]);
      });
    });
  });
}

test('bad input gets coded errors', () => {
  const hp = all;
  hp.scope(() => {
    const x = hp.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.equal(codeOf(() => hp.topK(x, { k: 4 })), 'ARGUMENT', 'k > n');
    assert.equal(codeOf(() => hp.topK(x, { k: -1 })), 'ARGUMENT');
    assert.equal(codeOf(() => hp.gather(x, hp.tensor([2n]))), 'ARGUMENT', 'index out of range');
    assert.equal(codeOf(() => hp.gather(x, hp.tensor([-3n]))), 'ARGUMENT', 'negative index out of range');
    assert.equal(codeOf(() => hp.gather(x, hp.tensor([0]))), 'DTYPE', 'float indices');
    assert.equal(codeOf(() => hp.reduceMax(x, { axis: 2 })), 'ARGUMENT', 'axis out of range');
    assert.equal(codeOf(() => hp.reduceMin(x, { axis: 0, axes: [1] })), 'ARGUMENT', 'both axis and axes');
    assert.equal(codeOf(() => hp.reduceSum(x, { axis: [0, 0] })), 'ARGUMENT', 'repeated axis');
    assert.equal(codeOf(() => hp.argMax(x, { axis: -3 })), 'ARGUMENT');
    assert.equal(codeOf(() => hp.argMin(hp.empty([2, 0]), { axis: 1 })), 'SHAPE', 'argmin of an empty axis');
    assert.equal(codeOf(() => hp.cumSum(x)), 'ARGUMENT', 'cumSum without an axis on a matrix');
    assert.equal(codeOf(() => hp.cumSum(hp.tensor([1], [1], { dtype: 'int8' }), { axis: 0 })), 'DTYPE');
    assert.equal(codeOf(() => hp.concat([])), 'ARGUMENT', 'no tensors');
    assert.equal(codeOf(() => hp.concat([x, hp.tensor([1, 2])])), 'SHAPE', 'ranks differ');
    assert.equal(codeOf(() => hp.concat([x, hp.empty([2, 2])], { axis: 0 })), 'SHAPE', 'dims differ off the axis');
    assert.equal(codeOf(() => hp.concat([x, hp.empty([2, 3], 'float64')])), 'DTYPE');
    assert.equal(codeOf(() => hp.reshape(x, [4, -1])), 'SHAPE', 'reshape size mismatch');
    assert.equal(codeOf(() => hp.reshape(x, [-1, -1])), 'SHAPE', 'two -1');
    assert.equal(codeOf(() => hp.squeeze(x, [0])), 'SHAPE', 'squeeze a dim of size 2');
    assert.equal(codeOf(() => hp.unsqueeze(x, [3])), 'ARGUMENT');
    assert.equal(codeOf(() => hp.unsqueeze(x, [0, -4])), 'ARGUMENT', 'repeated axis after normalizing');
    assert.equal(codeOf(() => hp.flatten(x, 3)), 'ARGUMENT');
    assert.equal(codeOf(() => hp.expand(x, [3, 3])), 'SHAPE');
    assert.equal(codeOf(() => hp.tile(x, [2])), 'ARGUMENT', 'one repeat per dim');
    assert.equal(codeOf(() => hp.slice(x, { starts: [0], ends: [1], steps: [0] })), 'ARGUMENT', 'step 0');
    assert.equal(codeOf(() => hp.slice(x, { starts: [0, 0], ends: [1] })), 'ARGUMENT', 'lengths differ');
    assert.equal(codeOf(() => hp.run('range', [], { start: 0, limit: 1, delta: 0 })), 'ARGUMENT', 'delta 0');
    assert.equal(codeOf(() => hp.run('range', [], { start: 0, limit: Infinity })), 'ARGUMENT');
    assert.equal(codeOf(() => hp.run('range', [], { start: 0, limit: 1.5, dtype: 'int32' })), 'ARGUMENT');
    assert.equal(codeOf(() => hp.run('range', [], { start: 0, limit: 1, dtype: 'uint8' })), 'DTYPE');
  });
  assert.equal(hp.memory().tensors, 0);
});
