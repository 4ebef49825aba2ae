/**
 * User kernels in the runtime, on ref: each kind against plain float64 loops written here,
 * broadcasting and any layout, the coded errors, load() and its name rules, the compile
 * fallback counted in stats(), explain(), and verify's tolerance for a user reduce.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Backend, BackendFactory } from '../../src/backends/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createRuntime, HotpathError, type Runtime } from '../../src/index.js';
import { verifyCall } from '../../src/runtime/verify.js';
import { defineUser } from '../../src/user/define.js';
import { map, pairwise, reduce, type f32 } from '../../src/user/kernel.js';
import { zscore } from '../kernels/basic.js';

const affine = map({
  name: 'affine',
  inputs: ['a', 'b'],
  params: { alpha: 2, beta: 0.5 },
  element(a: f32, b: f32, alpha: f32, beta: f32): f32 {
    return alpha * a + Math.sin(b) * beta;
  },
});

const total = reduce({ name: 'total', inputs: ['x'], combine: 'sum', element: (x: f32): f32 => x });
const lowest = reduce({ name: 'lowest', inputs: ['x', 'y'], combine: 'min', element: (x: f32, y: f32): f32 => x * y });
const highest = reduce({ name: 'highest', inputs: ['x'], combine: 'max', element: (x: f32): f32 => x });
/** Another declaration of the same kernel (top level: esbuild renames parameters that shadow a local). */
const again = reduce({ name: 'highest', inputs: ['x'], combine: 'max', element: (x: f32): f32 => x });

const manhattanRoot = pairwise({ name: 'manhattanRoot', term: (a: f32, b: f32): f32 => Math.abs(a - b), finish: (acc: f32): f32 => Math.sqrt(acc) });
const chebyshev = pairwise({ name: 'chebyshev', combine: 'max', term: (a: f32, b: f32): f32 => Math.abs(a - b) });

/** Deterministic values in [-2, 2). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.fround((s / 2147483648) * 4 - 2);
  });
}

function isCode(code: string, pattern?: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof HotpathError && e.code === code && (pattern === undefined || pattern.test(e.message));
}

async function refRuntime(): Promise<Runtime> {
  const hp = await createRuntime({ backends: ['ref'] });
  await hp.load([affine, total, lowest, highest, zscore, manhattanRoot, chebyshev]);
  return hp;
}

test('map: numpy broadcasting of [3, 1] and [4] with params, against a float64 loop', async () => {
  const hp = await refRuntime();
  const a = values(3, 1);
  const b = values(4, 2);
  const out = hp.run(affine, [hp.tensor(a, [3, 1]), hp.tensor(b, [4])], { beta: -1.5 })[0]!;
  assert.deepEqual(out.shape, [3, 4]);
  assert.equal(out.dtype, 'float32');
  const expected = a.flatMap((ai) => b.map((bj) => Math.fround(2 * ai + Math.sin(bj) * -1.5)));
  assert.deepEqual([...out.toArray()], expected);
  await hp.close();
});

test('map: col-major, transposed, sliced and offset inputs read the right elements', async () => {
  const hp = await refRuntime();
  const data = values(12, 3);
  // Logical [3, 4] matrix m[i][j] = data[i * 4 + j].
  const m = (i: number, j: number): number => data[i * 4 + j]!;
  const col = hp.tensor([0, 1, 2].map((i) => [0, 1, 2, 3].map((j) => m(i, j))), undefined, { layout: 'col' });
  const row = hp.tensor(data, [3, 4]);
  const t = hp.tensor(data, [4, 3]).transpose(); // t[i][j] = data[j * 3 + i]
  const sliced = row.slice(null, [1, 4]); // [3, 3], offset 1
  const expectedCol = [0, 1, 2].flatMap((i) => [0, 1, 2, 3].map((j) => Math.fround(2 * m(i, j) + Math.sin(m(i, j)) * 0.5)));
  assert.deepEqual([...hp.run(affine, [col, row])[0]!.toArray()], expectedCol);
  const expectedT = [0, 1, 2].flatMap((i) => [0, 1, 2, 3].map((j) => Math.fround(2 * data[j * 3 + i]! + Math.sin(m(i, j)) * 0.5)));
  assert.deepEqual([...hp.run(affine, [t, row])[0]!.toArray()], expectedT);
  const expectedS = [0, 1, 2].flatMap((i) => [1, 2, 3].map((j) => Math.fround(2 * m(i, j) + Math.sin(m(i, j)) * 0.5)));
  assert.deepEqual([...hp.run(affine, [sliced, sliced])[0]!.toArray()], expectedS);
  await hp.close();
});

test('reduce: sum, min, max in float64 against loops; empty sum is 0, empty min/max is SHAPE; NaN propagates', async () => {
  const hp = await refRuntime();
  const x = values(1000, 4);
  const y = values(1000, 5);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  x.forEach((v, i) => {
    sum += v;
    min = Math.min(min, v * y[i]!);
    max = Math.max(max, v);
  });
  const s = hp.run(total, [hp.tensor(x, [10, 100]).transpose()])[0]!;
  assert.deepEqual(s.shape, []);
  assert.equal(s.item(), Math.fround(sum));
  assert.equal(hp.run(lowest, [hp.tensor(x, [1000]), hp.tensor(y, [1000])])[0]!.item(), Math.fround(min));
  assert.equal(hp.run(highest, [hp.tensor(x, [1000])])[0]!.item(), Math.fround(max));
  // Broadcast: x [2, 1] against y [3]: six products.
  const products = [x[0]! * y[0]!, x[0]! * y[1]!, x[0]! * y[2]!, x[1]! * y[0]!, x[1]! * y[1]!, x[1]! * y[2]!];
  assert.equal(hp.run(lowest, [hp.tensor(x.slice(0, 2), [2, 1]), hp.tensor(y.slice(0, 3), [3])])[0]!.item(), Math.fround(Math.min(...products)));
  assert.equal(hp.run(total, [hp.tensor([], [0, 3])])[0]!.item(), 0);
  assert.throws(() => hp.run(highest, [hp.tensor([], [0])]), isCode('SHAPE', /highest: zero-size array to reduction operation maximum which has no identity/));
  assert.throws(() => hp.run(lowest, [hp.tensor([], [0]), hp.tensor([1], [1])]), isCode('SHAPE', /reduction operation minimum/));
  assert.ok(Number.isNaN(hp.run(highest, [hp.tensor([1, Number.NaN, 3])])[0]!.item() as number));
  await hp.close();
});

test('rows: z-score per row (test/kernels/basic.ts) on row-major and column-major inputs, against a float64 loop', async () => {
  const hp = await refRuntime();
  const data = values(5 * 7, 6);
  const expected: number[] = [];
  for (let r = 0; r < 5; r++) {
    const row = data.slice(r * 7, r * 7 + 7);
    const mean = row.reduce((p, v) => p + v, 0) / 7;
    const variance = row.reduce((p, v) => p + (v - mean) ** 2, 0) / 7;
    expected.push(...row.map((v) => Math.fround((v - mean) / Math.sqrt(variance + 1e-6))));
  }
  const nested = [0, 1, 2, 3, 4].map((r) => data.slice(r * 7, r * 7 + 7));
  for (const layout of ['row', 'col'] as const) {
    const out = hp.run(zscore, [hp.tensor(nested, undefined, { layout })])[0]!;
    assert.deepEqual(out.shape, [5, 7]);
    assert.deepEqual([...out.toArray()], expected, layout);
  }
  assert.throws(() => hp.run(zscore, [hp.tensor(data, [35])]), isCode('SHAPE', /matrices of one shape/));
  assert.deepEqual(hp.run(zscore, [hp.tensor([], [0, 7])])[0]!.shape, [0, 7]);
  await hp.close();
});

test('pairwise: sum with finish and max combine over [n, d] x [m, d], any layout; d must agree', async () => {
  const hp = await refRuntime();
  const xs = values(4 * 3, 7);
  const ys = values(5 * 3, 8);
  const l1 = (i: number, j: number): number => [0, 1, 2].reduce((p, k) => p + Math.abs(xs[i * 3 + k]! - ys[j * 3 + k]!), 0);
  const linf = (i: number, j: number): number => Math.max(...[0, 1, 2].map((k) => Math.abs(xs[i * 3 + k]! - ys[j * 3 + k]!)));
  const x = hp.tensor(xs, [4, 3]);
  const y = hp.tensor(ys, [3, 5].reverse()).transpose().transpose(); // [5, 3] through two views
  const yCol = hp.tensor([0, 1, 2, 3, 4].map((j) => ys.slice(j * 3, j * 3 + 3)), undefined, { layout: 'col' });
  const expectedRoot = [0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3, 4].map((j) => Math.fround(Math.sqrt(l1(i, j)))));
  const expectedMax = [0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3, 4].map((j) => Math.fround(linf(i, j))));
  const root = hp.run(manhattanRoot, [x, yCol])[0]!;
  assert.deepEqual(root.shape, [4, 5]);
  assert.deepEqual([...root.toArray()], expectedRoot);
  assert.deepEqual([...hp.run(chebyshev, [x, y])[0]!.toArray()], expectedMax);
  assert.throws(() => hp.run(chebyshev, [x, hp.tensor(values(10, 9), [5, 2])]), isCode('SHAPE', /different numbers of features/));
  assert.throws(() => hp.run(chebyshev, [x, hp.tensor([1, 2, 3])]), isCode('SHAPE', /y must be a matrix/));
  await hp.close();
});

test('bad inputs get the built-ins\' coded errors: dtype, arity, params', async () => {
  const hp = await refRuntime();
  const x = hp.tensor([1, 2, 3]);
  assert.throws(() => hp.run(highest, [hp.tensor([1, 2], undefined, { dtype: 'float64' })]), isCode('DTYPE', /highest: input 'x' has an unsupported dtype, expected float32, received float64/));
  assert.throws(() => hp.run(affine, [x]), isCode('ARGUMENT', /affine: wrong number of inputs, expected 2, received 1/));
  assert.throws(() => hp.run(affine, [x, x], { gamma: 1 }), isCode('ARGUMENT', /unknown attribute 'gamma', expected one of alpha, beta/));
  assert.throws(() => hp.run(affine, [x, x], { alpha: Number.NaN }), isCode('ARGUMENT', /invalid param 'alpha', expected a finite number, received NaN/));
  assert.throws(() => hp.run(affine, [x, x], { alpha: 'two' as never }), isCode('ARGUMENT', /invalid param 'alpha'/));
  assert.throws(() => hp.run(affine, [hp.tensor([1, 2, 3]), hp.tensor([1, 2])]), isCode('SHAPE', /shapes do not broadcast/));
  await hp.close();
});

test('a body that throws or returns a non-number fails with BACKEND naming the element; the cause is kept', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const boom = new RangeError('negative input');
  const thrower = map({ name: 'thrower', inputs: ['x'], element: (x: f32): f32 => { if (x < 0) { throw boom; } return x; } });
  const wrong = map({ name: 'wrong', inputs: ['x'], element: ((x: f32) => (x > 1 ? 'big' : x)) as unknown as (x: f32) => f32 });
  await hp.load([thrower, wrong]);
  assert.throws(() => hp.run(thrower, [hp.tensor([[1, 2], [3, -4]])]), (e: unknown) => isCode('BACKEND', /thrower: element\(\) threw at element 3 \(index \[1, 1\]\), expected the reference body to return, received RangeError: negative input/)(e) && (e as Error).cause === boom);
  assert.throws(() => hp.run(wrong, [hp.tensor([0, 2])]), isCode('BACKEND', /wrong: element\(\) returned string "big" at element 1/));
  // The failed call's output was released: only the two inputs stay alive.
  assert.equal(hp.memory().tensors, 2);
  await hp.close();
});

test('load(): not loaded, name clashes, the same kernel twice, bad arguments', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const x = hp.tensor([1, 2]);
  assert.throws(() => hp.run(highest, [x]), isCode('ARGUMENT', /highest: kernel 'highest' is not loaded in this runtime.*hint: await hp\.load\(highest\) first/));
  assert.throws(() => hp.explain(highest, [x]), isCode('ARGUMENT', /is not loaded/));
  await hp.load(highest);
  await hp.load([highest, highest]);
  await hp.load(again); // same source: the same kernel
  assert.equal(hp.run(again, [x])[0]!.item(), 2);
  const other = reduce({ name: 'highest', inputs: ['x'], combine: 'min', element: (x: f32): f32 => x });
  await assert.rejects(hp.load(other), isCode('ARGUMENT', /runtime\.load: the kernel name 'highest' is taken.*another loaded kernel of different source/));
  assert.throws(() => hp.run(other, [x]), isCode('ARGUMENT', /another kernel named 'highest' is loaded/));
  const relu = map({ name: 'relu', inputs: ['x'], element: (v: f32): f32 => Math.max(v, 0) });
  await assert.rejects(hp.load(relu), isCode('ARGUMENT', /the kernel name 'relu' is taken.*built-in kernel 'relu'/));
  await assert.rejects(hp.load([{ kind: 'map' }] as unknown as [typeof total]), isCode('ARGUMENT', /kernels\[0\] is not a user kernel/));
  await assert.rejects(hp.load(highest, { fallback: 'wasm' } as never), isCode('ARGUMENT', /invalid fallback/));
  await assert.rejects(hp.load(highest, { fallBack: 'ref' } as never), isCode('ARGUMENT', /unknown option 'fallBack'/));
  // By name once loaded, like a built-in id.
  assert.equal(hp.run('highest', [x])[0]!.item(), 2);
  assert.throws(() => hp.run('lowest', [x]), isCode('ARGUMENT', /unknown kernel.*or a loaded user kernel \(highest\), received lowest/));
  // Another runtime knows nothing of it.
  const other2 = await createRuntime({ backends: ['ref'] });
  assert.throws(() => other2.run(highest, [other2.tensor([1])]), isCode('ARGUMENT', /not loaded/));
  await other2.close();
  await hp.close();
});

/** A compiler that always fails as the real one does on a bad kernel. */
const failing = {
  compile: (k: { name: string }) => Promise.reject(new HotpathError({ code: 'COMPILE', kernel: k.name, problem: 'closures are not supported', expected: 'a body using only its arguments', received: 'a captured variable at kernels.ts:3:5', hint: 'pass it as a param' })),
};

test('a kernel that does not compile: load() throws COMPILE, or with fallback runs on ref counted in stats and explain()', async () => {
  const hp = await createRuntime({ backends: ['wasm', 'ref'], userCompiler: failing as never });
  await assert.rejects(hp.load(total), isCode('COMPILE', /total: closures are not supported/));
  const x = hp.tensor([1, 2, 3]);
  assert.throws(() => hp.run(total, [x]), isCode('ARGUMENT', /not loaded/));
  await hp.load(total, { fallback: 'ref' });
  assert.equal(hp.run(total, [x])[0]!.item(), 6);
  hp.run(total, [x]);
  const reason = 'wasm: compile failed: total: closures are not supported, expected a body using only its arguments, received a captured variable at kernels.ts:3:5; hint: pass it as a param';
  const stats = hp.stats().kernels['total']!;
  assert.equal(stats.calls, 2);
  assert.deepEqual(stats.backends, { ref: 2 });
  assert.deepEqual(stats.fallbacks, { [reason]: 2 });
  const explained = hp.explain(total, [x]);
  assert.equal(explained.backend, 'ref');
  assert.deepEqual(explained.passed, [{ backend: 'wasm', reason: reason.slice('wasm: '.length) }]);
  assert.deepEqual(explained.cost, { flops: 3, bytes: 16 });
  assert.throws(() => hp.run(total, [x], {}, { backend: 'wasm' }), isCode('BACKEND', /required backend 'wasm' cannot run this call.*compile failed/));
  await hp.close();
});

test('a runtime that requires ref compiles nothing', async () => {
  const hp = await createRuntime({ backends: ['wasm', 'ref'], require: 'ref', userCompiler: failing as never });
  await hp.load(total);
  assert.equal(hp.run(total, [hp.tensor([1, 2])])[0]!.item(), 3);
  await hp.close();
});

test('a ref-only runtime compiles nothing', async () => {
  const ref = await createRuntime({ backends: ['ref'], userCompiler: failing as never });
  await ref.load(total);
  assert.equal(ref.run(total, [ref.tensor([1, 2])])[0]!.item(), 3);
  assert.deepEqual(ref.stats().kernels['total']!.fallbacks, {});
  await ref.close();
});

/** A backend that runs every user kernel as ref would, then adds `error` to its first output. */
function skewed(error: number): BackendFactory {
  const ref = createRefBackend();
  return {
    name: 'skewed',
    create: async (): Promise<Backend> => ({
      name: 'skewed',
      info: {},
      supports: (kernel) => (kernel.implementations === undefined ? 'built-ins run elsewhere' : true),
      run(kernel, plan, inputs, outputs) {
        ref.run(kernel, plan, inputs, outputs);
        const data = outputs[0]!.data() as Float32Array;
        data[0] = data[0]! + error;
      },
    }),
  };
}

test('verify: a user reduce sum is held to depth * eps * sum of max(|term|, floor), not to |result|', async () => {
  // Terms 1e6, -1e6, 1: the sum is 1, but terms each off by 8 ulps of 1e6 may move it by
  // about eps * 2e6. Bound: (ulp 8 + 1) * 2^-23 * (1e6 + 1e6 + 1) = 2.15.
  const bound = 9 * 2 ** -23 * (2e6 + 1);
  assert.ok(bound > 2.1 && bound < 2.2);
  for (const [error, ok] of [[2, true], [3, false]] as const) {
    const hp = await createRuntime({ backends: [skewed(error), 'ref'], verify: true });
    await hp.load(total);
    const x = hp.tensor([1e6, -1e6, 1]);
    if (ok) {
      assert.equal(hp.run(total, [x])[0]!.item(), 3);
      assert.equal(hp.stats().kernels['total']!.verified, 1);
    } else {
      assert.throws(() => hp.run(total, [x]), isCode('MISMATCH', /total: verify: output 0 disagrees/));
    }
    await hp.close();
  }
});

test('verify: map outputs are held to the declared ulp tolerance through the runtime', async () => {
  const tight = map({ name: 'tight', inputs: ['x'], tolerance: { ulp: 2, floor: 1 }, element: (x: f32): f32 => x * 3 });
  // 3 * 1.5 = 4.5 (float32 spacing 2^-21 there); 2 ulp bound: 2 * (2^-23 * 4.5 + 2^-126) = 1.07e-6.
  for (const [error, ok] of [[2 ** -21, true], [2 ** -19, false]] as const) {
    const hp = await createRuntime({ backends: [skewed(error), 'ref'], verify: true });
    await hp.load(tight);
    const x = hp.tensor([1.5, 2]);
    if (ok) {
      hp.run(tight, [x]);
    } else {
      assert.throws(() => hp.run(tight, [x]), isCode('MISMATCH'));
    }
    await hp.close();
  }
});

test('verifyCall compares a user pairwise sum with one ulp more per coordinate', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const def = defineUser(manhattanRoot);
  const x = hp.tensor(values(2 * 40, 10), [2, 40]);
  const y = hp.tensor(values(3 * 40, 11), [3, 40]);
  const plan = def.infer([x, y], {});
  const out = hp.empty([2, 3]);
  createRefBackend().run(def, plan, [x, y], [out]);
  const first = (out.data() as Float32Array)[0]!;
  // ulp 8 + d 40 = 48 ulps of max(|e|, 1).
  const bound = 48 * (2 ** -23 * Math.max(Math.abs(first), 1) + 2 ** -126);
  (out.data() as Float32Array)[0] = first + 0.9 * bound;
  verifyCall(hp, def, {}, plan, [x, y], [out], createRefBackend());
  (out.data() as Float32Array)[0] = first + 1.2 * bound;
  assert.throws(() => verifyCall(hp, def, {}, plan, [x, y], [out], createRefBackend()), isCode('MISMATCH'));
  await hp.close();
});

test('explain() and stats() list user kernels like built-ins', async () => {
  const hp = await refRuntime();
  const x = hp.tensor(values(6, 12), [2, 3]);
  const e = hp.explain(zscore, [x]);
  assert.deepEqual(e, { backend: 'ref', passed: [], cost: { flops: 6, bytes: 48 } });
  hp.run(zscore, [x]);
  hp.run(affine, [x, x]);
  const kernels = hp.stats().kernels;
  assert.deepEqual(Object.keys(kernels).sort(), ['affine', 'zscore']);
  assert.equal(kernels['zscore']!.calls, 1);
  assert.deepEqual(kernels['zscore']!.backends, { ref: 1 });
  await hp.close();
});
