/**
 * Every public call with a wrong argument (null, undefined, a number, a string, an object, an
 * array, NaN, a negative, a boolean) in each position throws a coded HotpathError or works;
 * never a TypeError or RangeError from inside (issue 8). Table-driven: each entry gives valid
 * arguments, and the test swaps one at a time. Runtime methods missing from the table get a
 * generic probe (tensors for every declared parameter), so a new method is covered too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createRuntime, HotpathError, iterateRows, loadNpy, loadNpz, readRows, saveNpy, saveNpz, Runtime, Tensor } from '../../src/index.js';
import { RuntimeCore } from '../../src/runtime/core.js';

const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-args-'));
/** The string among the bad values: a path into a folder that does not exist, so a call that takes it as a file name writes nothing. */
const BAD: readonly unknown[] = [null, undefined, 5, path.join(dir, 'missing', 'x'), '', {}, [], true, Number.NaN, -1, [null], { layout: 5 }];
const npy = path.join(dir, 'x.npy');
const npz = path.join(dir, 'x.npz');

type Call = (...args: unknown[]) => unknown;

interface Entry {
  readonly name: string;
  /** Valid arguments (made fresh for each call: a call may release or consume them). */
  readonly args: (hp: Runtime) => unknown[];
  readonly call: (hp: Runtime, args: unknown[]) => unknown;
}

function method(name: string, args: (hp: Runtime) => unknown[]): Entry {
  return { name, args, call: (hp, a) => (hp as unknown as Record<string, Call>)[name]!.apply(hp, a) };
}

function tensorMethod(name: string, args: (hp: Runtime) => unknown[]): Entry {
  return { name: `tensor.${name}`, args, call: (hp, a) => {
    const x = hp.tensor([[1, 2], [3, 4]]);
    return (x as unknown as Record<string, Call>)[name]!.apply(x, a);
  } };
}

const x2 = (hp: Runtime): Tensor => hp.tensor([[1, 2], [3, 4]]);

const ENTRIES: readonly Entry[] = [
  method('tensor', () => [[1, 2], [2], { dtype: 'float32' }]),
  method('empty', () => [[2], 'float32', { layout: 'row' }]),
  method('zeros', () => [[2], 'float32']),
  method('scope', (hp) => [() => hp.tensor([1])]),
  method('run', (hp) => ['relu', [x2(hp)], {}, {}]),
  method('explain', (hp) => ['relu', [x2(hp)], {}, {}]),
  method('load', () => [npy, {}]),
  method('save', (hp) => [path.join(dir, 'y.npy'), x2(hp)]),
  method('loadNpz', () => [npz]),
  method('saveNpz', (hp) => [path.join(dir, 'y.npz'), { a: x2(hp) }, {}]),
  method('readRows', () => [npy, 0, 1, {}]),
  method('iterateRows', () => [npy, { batch: 1 }]),
  method('kmeans', (hp) => [x2(hp), { k: 1 }]),
  method('matmul', (hp) => [x2(hp), x2(hp)]),
  method('pairwiseDistances', (hp) => [x2(hp), x2(hp), {}]),
  method('gemm', (hp) => [x2(hp), x2(hp), undefined, {}]),
  method('softmax', (hp) => [x2(hp), {}]),
  method('logSoftmax', (hp) => [x2(hp), {}]),
  method('layerNorm', (hp) => [x2(hp), {}]),
  method('reduceSum', (hp) => [x2(hp), {}]),
  method('reduceMean', (hp) => [x2(hp), {}]),
  method('transpose', (hp) => [x2(hp), [1, 0]]),
  method('gelu', (hp) => [x2(hp), {}]),
  method('hannWindow', () => [{ size: 4 }]),
  method('dft', (hp) => [hp.tensor(new Float32Array(8), [1, 8, 1]), {}]),
  method('stft', (hp) => [hp.tensor(new Float32Array(16), [1, 16, 1]), { frameStep: 4, frameLength: 8 }]),
  method('melWeightMatrix', () => [{ numMelBins: 4, dftLength: 16, sampleRate: 16000, lowerEdgeHertz: 0, upperEdgeHertz: 8000 }]),
  tensorMethod('get', () => [0, 1]),
  tensorMethod('item', () => []),
  tensorMethod('data', () => ['where']),
  tensorMethod('transpose', () => [[1, 0]]),
  tensorMethod('permute', () => [[1, 0]]),
  tensorMethod('slice', () => [[0, 1], null]),
  tensorMethod('reshape', () => [[4]]),
  tensorMethod('broadcastTo', () => [[2, 2]]),
  tensorMethod('moveAxis', () => [0, 1]),
  tensorMethod('contiguous', () => ['col']),
  tensorMethod('clone', () => ['col']),
  tensorMethod('check', () => ['where']),
  { name: 'loadNpy', args: () => [npy, {}], call: (hp, a) => (loadNpy as Call)(hp, ...a) },
  { name: 'saveNpy', args: (hp) => [path.join(dir, 'z.npy'), x2(hp)], call: (hp, a) => (saveNpy as Call)(hp, ...a) },
  { name: 'loadNpz', args: () => [npz], call: (hp, a) => (loadNpz as Call)(hp, ...a) },
  { name: 'saveNpz', args: (hp) => [path.join(dir, 'z.npz'), { a: x2(hp) }, {}], call: (hp, a) => (saveNpz as Call)(hp, ...a) },
  { name: 'readRows', args: () => [npy, 0, 1, {}], call: (hp, a) => (readRows as Call)(hp, ...a) },
  { name: 'iterateRows', args: () => [npy, { batch: 1 }], call: (hp, a) => (iterateRows as Call)(hp, ...a) },
];

/** Runs a call to its end: awaits promises and pulls one item from async generators. */
async function settle(value: unknown): Promise<void> {
  if (value instanceof Promise) {
    await value;
  } else if (value !== null && typeof value === 'object' && typeof (value as AsyncGenerator).next === 'function' && Symbol.asyncIterator in value) {
    const gen = value as AsyncGenerator;
    await gen.next();
    await gen.return(undefined);
  }
}

async function offenders(hp: Runtime, entries: readonly Entry[]): Promise<string[]> {
  const found: string[] = [];
  for (const entry of entries) {
    const valid = entry.args(hp);
    // Position valid.length covers one argument too many (ignored or refused, never a crash).
    for (let i = 0; i <= valid.length; i++) {
      for (const bad of BAD) {
        const args = entry.args(hp);
        args[i] = bad;
        try {
          await settle(entry.call(hp, args));
        } catch (error) {
          if (!(error instanceof HotpathError)) {
            found.push(`${entry.name} argument ${i} = ${String(JSON.stringify(bad))}: ${String(error)}`);
          }
        }
      }
    }
  }
  return found;
}

test('every public call with a wrong argument throws a coded HotpathError, never a TypeError', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  hp.save(npy, hp.tensor([[1, 2], [3, 4]]));
  hp.saveNpz(npz, { a: hp.tensor([1, 2]) });
  const found = await offenders(hp, ENTRIES);
  assert.deepEqual(found, []);
  await hp.close();
});

test('Runtime methods outside the table survive the generic probe (tensors for every parameter)', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const listed = new Set(ENTRIES.map((e) => e.name));
  const names = new Set<string>();
  // The kernel-method layers above RuntimeCore (Runtime, ShapeRuntime, MathRuntime): every
  // method there is public; RuntimeCore's public methods are in the table, its private helpers
  // (private only to TypeScript) are not probed.
  for (let proto: object | null = Runtime.prototype; proto !== null && proto !== RuntimeCore.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (name !== 'constructor' && !name.startsWith('_') && typeof d?.value === 'function' && !listed.has(name) && !['close', 'backends', 'memory', 'stats'].includes(name)) {
        names.add(name);
      }
    }
  }
  const generic = [...names].map((name) => method(name, (rt) => {
    const arity = ((rt as unknown as Record<string, Call>)[name]!).length;
    return Array.from({ length: Math.max(1, arity) }, () => x2(rt));
  }));
  const found = await offenders(hp, generic);
  assert.deepEqual(found, []);
  await hp.close();
});

test('createRuntime refuses backends that are neither names nor factories', async () => {
  for (const backends of [[5], [null], [{}], [{ name: 'x' }], ['ref', 5]]) {
    await assert.rejects(createRuntime({ backends: backends as never }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /backend/.test(e.message));
  }
});

test('every call on a closed runtime says so, naming the call', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const x = hp.tensor([[1, 2], [3, 4]]);
  hp.save(npy, x);
  await hp.close();
  const calls: Record<string, () => unknown> = {
    relu: () => hp.relu(x),
    'runtime.tensor': () => hp.tensor([1]),
    'runtime.scope': () => hp.scope(() => 1),
    'runtime.load': () => hp.load(npy),
    'runtime.save': () => hp.save(path.join(dir, 'closed.npy'), x),
    'runtime.readRows': () => hp.readRows(npy, 0, 1),
    'runtime.loadNpz': () => hp.loadNpz(npz),
    'runtime.saveNpz': () => hp.saveNpz(path.join(dir, 'closed.npz'), { x }),
    'runtime.iterateRows': () => hp.iterateRows(npy, { batch: 1 }),
    kmeans: () => hp.kmeans(x, { k: 1 }),
  };
  for (const [where, call] of Object.entries(calls)) {
    assert.throws(call, (e: unknown) => e instanceof HotpathError && e.code === 'BACKEND' && e.message.startsWith(`${where}: the runtime is closed`), where);
  }
});
