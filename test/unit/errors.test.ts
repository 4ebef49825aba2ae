/**
 * Error messages pinned by snapshot, so wording changes are reviewed. To accept a deliberate
 * change: HOTPATH_UPDATE_SNAPSHOTS=1 node --import tsx --test test/unit/errors.test.ts, then
 * read the diff of errors.snapshot.json before committing it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRuntime, HotpathError, type Runtime } from '../../src/index.js';
import { map, reduce, type f32 } from '../../src/user/kernel.js';

const lowest = reduce({ name: 'lowest', inputs: ['x'], combine: 'min', element: (x: f32): f32 => x });
const throws = map({
  name: 'throws',
  inputs: ['x'],
  element: (x: f32): f32 => {
    if (x < 0) {
      throw new RangeError('negative');
    }
    return x;
  },
});

const SNAPSHOT = fileURLToPath(new URL('./errors.snapshot.json', import.meta.url));

type Case = [name: string, run: (hp: Runtime) => unknown];

const CASES: Case[] = [
  ['matmul inner mismatch', (hp) => hp.matmul(hp.empty([64, 32]), hp.empty([16, 8]))],
  ['matmul dtype mix', (hp) => hp.matmul(hp.empty([2, 2]), hp.empty([2, 2], 'float64'))],
  ['matmul int dtype', (hp) => hp.matmul(hp.empty([2, 2], 'int32'), hp.empty([2, 2], 'int32'))],
  ['gemm c shape', (hp) => hp.gemm(hp.empty([3, 4]), hp.empty([4, 5]), hp.empty([4]))],
  ['add broadcast', (hp) => hp.add(hp.empty([3, 4]), hp.empty([3]))],
  ['softmax axis', (hp) => hp.softmax(hp.empty([3, 4]), { axis: 2 })],
  ['layerNorm scale', (hp) => hp.layerNorm(hp.empty([3, 4]), { scale: hp.empty([3]) })],
  ['reduceSum repeated axis', (hp) => hp.reduceSum(hp.empty([3, 4]), { axes: [1, -1] })],
  ['transpose perm', (hp) => hp.transpose(hp.empty([3, 4]), [0, 0])],
  ['reshape needs copy', (hp) => hp.empty([3, 4]).transpose().reshape([12])],
  ['reshape size', (hp) => hp.empty([3, 4]).reshape([5, -1])],
  ['topK k above the axis length', (hp) => hp.topK(hp.empty([3, 4]), { k: 5 })],
  ['gather index out of range', (hp) => hp.gather(hp.empty([3, 4]), hp.tensor([0n, 3n]))],
  ['concat dims differ', (hp) => hp.concat([hp.empty([2, 3]), hp.empty([2, 4])], { axis: 0 })],
  ['reshape kernel size', (hp) => hp.reshape(hp.empty([2, 3, 4]), [0, 5, -1])],
  ['squeeze a dim of size 3', (hp) => hp.squeeze(hp.empty([1, 3]), [1])],
  ['both axis and axes', (hp) => hp.reduceMax(hp.empty([2, 3]), { axis: 0, axes: [1] })],
  ['tensor data length', (hp) => hp.tensor([1, 2, 3], [2, 2])],
  ['unknown attribute', (hp) => hp.run('softmax', [hp.empty([2])], { dim: 0 } as never)],
  ['use after release', (hp) => {
    const t = hp.empty([2, 2], 'float32', { name: 'x' });
    t.release();
    return hp.relu(t);
  }],
  ['strided tensor in message', (hp) => hp.add(hp.empty([4, 6]).slice(null, [0, 6, 2]), hp.empty([2]))],
  ['col tensor in message', (hp) => hp.add(hp.empty([4, 6], 'float32', { layout: 'col' }), hp.empty([5]))],
  ['user kernel not loaded', (hp) => hp.run(lowest, [hp.empty([3])])],
  ['user kernel float64 input', async (hp) => {
    await hp.load(lowest);
    return hp.run(lowest, [hp.empty([3], 'float64', { name: 'x' })]);
  }],
  ['user kernel empty min', async (hp) => {
    await hp.load(lowest);
    return hp.run(lowest, [hp.empty([0, 2], 'float32', { name: 'x' })]);
  }],
  ['user kernel body threw', async (hp) => {
    await hp.load(throws);
    return hp.run(throws, [hp.tensor([[1, -2]])]);
  }],
  ['user kernel name taken', (hp) => hp.load(map({ name: 'relu', inputs: ['x'], element: (x: f32): f32 => x }))],
];

/** Release sites hold file paths and line numbers; keep them out of the snapshot. */
function normalize(message: string): string {
  return message.replace(/released at .*?; hint/, 'released at <site>; hint');
}

test('error messages match the reviewed snapshot', async () => {
  const actual: Record<string, { code: string; message: string }> = {};
  for (const [name, run] of CASES) {
    const hp = await createRuntime({ require: 'ref' });
    try {
      await run(hp);
      assert.fail(`${name}: no error thrown`);
    } catch (error) {
      assert.ok(error instanceof HotpathError, `${name}: ${String(error)}`);
      actual[name] = { code: error.code, message: normalize(error.message) };
    }
  }
  if (process.env['HOTPATH_UPDATE_SNAPSHOTS'] === '1') {
    writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
  }
  const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as typeof actual;
  assert.deepEqual(actual, expected);
});

test('every message has the form `<kernel>: <problem>, expected X, received Y`', async () => {
  const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, { message: string }>;
  for (const { message } of Object.values(expected)) {
    assert.match(message, /^[\w.]+: .+, expected .+, received .+/);
  }
});
