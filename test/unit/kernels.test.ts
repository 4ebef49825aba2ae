/**
 * Small cases worked out by hand (or from closed forms), one per kernel behaviour the ONNX
 * fixtures do not pin: layouts, dtypes, edge values, and each bad-input code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeOf, values } from '../helpers.js';
import { createRuntime, HotpathError, type Runtime } from '../../src/index.js';

async function rt(): Promise<Runtime> {
  return createRuntime({ require: 'ref' });
}

test('matmul: 2x2 by hand, col-major operand, 1-D promotion, broadcast batch', async () => {
  const hp = await rt();
  const a = hp.tensor([[1, 2], [3, 4]]);
  const bCol = hp.tensor([5, 7, 6, 8], [2, 2], { layout: 'col' }); // [[5,6],[7,8]]
  assert.deepEqual(values(hp.matmul(a, bCol)), [19, 22, 43, 50]);
  const v = hp.tensor([1, 1]);
  const av = hp.matmul(a, v);
  assert.deepEqual(av.shape, [2]);
  assert.deepEqual(values(av), [3, 7]);
  const va = hp.matmul(v, a);
  assert.deepEqual(va.shape, [2]);
  assert.deepEqual(values(va), [4, 6]);
  const batch = hp.tensor([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]); // [2,2,2]
  const out = hp.matmul(batch, a); // a broadcasts over the batch
  assert.deepEqual(out.shape, [2, 2, 2]);
  assert.deepEqual(values(out), [1, 2, 3, 4, 2, 4, 6, 8]);
  assert.deepEqual(hp.matmul(hp.empty([0, 3]), hp.empty([3, 2])).shape, [0, 2]);
  assert.deepEqual(values(hp.matmul(hp.empty([2, 0]), hp.empty([0, 2]))), [0, 0, 0, 0], 'empty inner dim sums to 0');
  assert.equal(codeOf(() => hp.matmul(a, hp.tensor([1, 2, 3]))), 'SHAPE');
  assert.equal(codeOf(() => hp.matmul(hp.tensor(1), a)), 'SHAPE');
  assert.equal(codeOf(() => hp.matmul(a, hp.tensor([[1, 2], [3, 4]], undefined, { dtype: 'float64' }))), 'DTYPE');
  assert.equal(codeOf(() => hp.matmul(hp.empty([2, 2, 2]), hp.empty([3, 2, 2]))), 'SHAPE');
  assert.equal(codeOf(() => hp.matmul(hp.tensor([1], [1], { dtype: 'int32' }), hp.tensor([1], [1], { dtype: 'int32' }))), 'DTYPE');
});

test('gemm: alpha, beta, transposes, broadcast C, beta = 0 ignores C', async () => {
  const hp = await rt();
  const a = hp.tensor([[1, 2], [3, 4]]);
  const eye = hp.tensor([[1, 0], [0, 1]]);
  assert.deepEqual(values(hp.gemm(a, eye, hp.tensor([10, 20]), { alpha: 2, beta: 0.5 })), [7, 14, 11, 18]);
  assert.deepEqual(values(hp.gemm(a, eye, undefined, { transA: true })), [1, 3, 2, 4]);
  assert.deepEqual(values(hp.gemm(eye, a, hp.tensor([[1], [2]]), { transB: true })), [2, 4, 4, 6]);
  assert.deepEqual(values(hp.gemm(a, eye, hp.tensor([NaN]), { beta: 0 })), [1, 2, 3, 4]);
  assert.equal(codeOf(() => hp.gemm(a, eye, hp.tensor([1, 2, 3]))), 'SHAPE');
  assert.equal(codeOf(() => hp.gemm(hp.tensor([1, 2]), eye)), 'SHAPE');
  assert.equal(codeOf(() => hp.gemm(a, eye, undefined, { alpha: NaN })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.gemm(a, eye, undefined, { transA: 1 as never })), 'ARGUMENT');
});

test('add / mul: broadcasting, integer wrap-around, NaN', async () => {
  const hp = await rt();
  const col = hp.tensor([[1], [2]]);
  const row = hp.tensor([10, 20, 30]);
  assert.deepEqual(values(hp.add(col, row)), [11, 21, 31, 12, 22, 32]);
  const u8 = (v: number[]): ReturnType<Runtime['tensor']> => hp.tensor(Uint8Array.from(v));
  assert.deepEqual(values(hp.add(u8([250]), u8([10]))), [4]);
  const i32 = (v: number[]): ReturnType<Runtime['tensor']> => hp.tensor(Int32Array.from(v));
  assert.deepEqual(values(hp.mul(i32([0x10001]), i32([0x10001]))), [0x20001], '(2^16+1)^2 mod 2^32');
  const i64 = hp.tensor(BigInt64Array.from([2n ** 62n]));
  assert.deepEqual(values(hp.mul(i64, hp.tensor(BigInt64Array.from([4n])))), [0n]);
  assert.ok(Number.isNaN(values(hp.add(hp.tensor([NaN]), hp.tensor([1])))[0] as number));
  assert.equal(codeOf(() => hp.add(hp.tensor([1, 2]), hp.tensor([1, 2, 3]))), 'SHAPE');
  assert.equal(codeOf(() => hp.add(u8([1]), i32([1]))), 'DTYPE');
});

test('relu and gelu: closed forms, NaN kept', async () => {
  const hp = await rt();
  const r = values(hp.relu(hp.tensor([-2, -0, 0, 3, NaN], undefined, { dtype: 'float64' })));
  assert.deepEqual(r.slice(0, 4), [0, 0, 0, 3]);
  assert.ok(Number.isNaN(r[4] as number));
  assert.deepEqual(values(hp.relu(hp.tensor(BigInt64Array.from([-5n, 5n])))), [0n, 5n]);
  const x = [-3, -1, 0, 1, 3];
  // Phi(1) = 0.8413447460685429 and Phi(3) = 0.9986501019683699 (standard normal CDF tables).
  const exact = values(hp.gelu(hp.tensor(x, undefined, { dtype: 'float64' })));
  const phi = new Map([[1, 0.8413447460685429], [3, 0.9986501019683699]]);
  x.forEach((v, i) => {
    const p = v === 0 ? 0.5 : v > 0 ? phi.get(v)! : 1 - phi.get(-v)!;
    assert.ok(Math.abs((exact[i] as number) - v * p) < 1e-15, `gelu(${v})`);
  });
  const tanh = values(hp.gelu(hp.tensor(x, undefined, { dtype: 'float64' }), { approximate: 'tanh' }));
  x.forEach((v, i) => {
    const expected = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    assert.ok(Math.abs((tanh[i] as number) - expected) < 1e-15);
  });
  assert.equal(codeOf(() => hp.gelu(hp.tensor([1]), { approximate: 'sigmoid' as never })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.gelu(hp.tensor(Int32Array.from([1])))), 'DTYPE');
});

test('softmax / logSoftmax: stable at large magnitudes, any axis, col layout', async () => {
  const hp = await rt();
  const big = values(hp.softmax(hp.tensor([1000, 1000, -1000])));
  assert.deepEqual(big, [0.5, 0.5, 0]);
  const log = values(hp.logSoftmax(hp.tensor([1000, 1000], undefined, { dtype: 'float64' })));
  assert.deepEqual(log, [-Math.LN2, -Math.LN2]);
  const x = hp.tensor([1, 3, 2, 4], [2, 2], { layout: 'col', dtype: 'float64' }); // [[1,2],[3,4]]
  const e = Math.exp(1);
  const down = values(hp.softmax(x, { axis: 0 }));
  // Each column (x, x+2): softmax = [1/(1+e^2), e^2/(1+e^2)].
  const lo = 1 / (1 + e * e);
  assert.ok(Math.abs((down[0] as number) - lo) < 1e-16 && Math.abs((down[2] as number) - (1 - lo)) < 1e-15);
  assert.equal(codeOf(() => hp.softmax(x, { axis: 2 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.softmax(x, { axis: 0.5 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.softmax(hp.tensor(7))), 'ARGUMENT', 'a scalar has no axis');
});

test('layerNorm: by hand, stats outputs, scale/bias broadcast, errors', async () => {
  const hp = await rt();
  const x = hp.tensor([[1, 3], [2, 2]], undefined, { dtype: 'float64' });
  const [y, mean, inv] = hp.run('layerNorm', [x, hp.tensor([2], [1], { dtype: 'float64' }), undefined], { epsilon: 0 });
  assert.deepEqual(values(mean!), [2, 2]);
  assert.deepEqual(mean!.shape, [2, 1]);
  assert.deepEqual(values(inv!), [1, Infinity]);
  assert.deepEqual(values(y!).slice(0, 2), [-2, 2]);
  assert.equal(codeOf(() => hp.layerNorm(x, { scale: hp.tensor([1, 2, 3], undefined, { dtype: 'float64' }) })), 'SHAPE');
  assert.equal(codeOf(() => hp.layerNorm(x, { epsilon: -1 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.layerNorm(hp.empty([2, 0]))), 'SHAPE');
});

test('reduceSum / reduceMean: axes, keepdims, noop, empty set, compensated sum', async () => {
  const hp = await rt();
  const x = hp.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(values(hp.reduceSum(x, { axes: [-1] })), [6, 15]);
  assert.deepEqual(hp.reduceSum(x, { axes: [0], keepdims: false }).shape, [3]);
  assert.deepEqual(values(hp.reduceMean(x)), [3.5]);
  const noop = hp.reduceSum(x, { axes: [], noopWithEmptyAxes: true });
  assert.deepEqual(noop.shape, [2, 3]);
  assert.deepEqual(values(noop), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(values(hp.reduceSum(hp.empty([2, 0, 3]), { axes: [1] })), [0, 0, 0, 0, 0, 0]);
  assert.ok(Number.isNaN(values(hp.reduceMean(hp.empty([0])))[0] as number));
  // 1 + 1e-8 added 1e6 times: float64 naive summation drifts; compensation keeps it.
  const n = 1_000_000;
  const drift = hp.tensor(Float64Array.from({ length: n + 1 }, (_, i) => (i === 0 ? 1 : 1e-16)));
  assert.equal(values(hp.reduceSum(drift))[0], 1 + n * 1e-16);
  assert.deepEqual(values(hp.reduceSum(hp.tensor(Int32Array.from([2 ** 31 - 1, 1])))), [-(2 ** 31)]);
  assert.equal(codeOf(() => hp.reduceSum(x, { axes: [0, -2] })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.reduceSum(x, { axes: [2] })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.reduceMean(hp.tensor(Int32Array.from([1])))), 'DTYPE');
});

test('1e8 float32 ones sum to exactly 1e8', async () => {
  const hp = await rt();
  const ones = hp.empty([1e8]);
  (ones.data() as Float32Array).fill(1);
  assert.equal(values(hp.reduceSum(ones))[0], 1e8);
  ones.release();
});

test('transpose kernel copies; perm validated', async () => {
  const hp = await rt();
  const x = hp.tensor(Int16Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3]);
  const y = hp.transpose(x, [2, 0, 1]);
  assert.deepEqual(y.shape, [3, 1, 2]);
  assert.equal(y.layout, 'row');
  assert.deepEqual(values(y), [1, 4, 2, 5, 3, 6]);
  assert.notEqual(y.storage, x.storage);
  assert.equal(codeOf(() => hp.transpose(x, [0, 1])), 'ARGUMENT');
});
