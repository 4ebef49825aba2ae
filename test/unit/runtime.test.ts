import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime, HotpathError, type Backend, type BackendFactory } from '../../src/index.js';
import { createRefBackend } from '../../src/backends/ref/index.js';

/** A backend that runs ref's code but answers `supports` as told, optionally corrupting output. */
function fakeFactory(name: string, options: { decline?: string; corrupt?: boolean; fail?: string }): BackendFactory {
  return {
    name,
    async create(): Promise<Backend> {
      if (options.fail !== undefined) {
        throw new Error(options.fail);
      }
      const ref = createRefBackend();
      return {
        name,
        info: { threads: 1 },
        supports: () => options.decline ?? true,
        run(kernel, plan, inputs, outputs) {
          ref.run(kernel, plan, inputs, outputs);
          if (options.corrupt === true) {
            const data = outputs[0]!.data() as Float32Array;
            data[0] = data[0]! + 1;
          }
        },
      };
    },
  };
}

const ref: BackendFactory = { name: 'ref', create: async () => createRefBackend() };

test('backends() lists unavailable backends with their reason', async () => {
  const hp = await createRuntime({ backends: [fakeFactory('gpu', { fail: 'no adapter found' }), ref] });
  const list = hp.backends();
  assert.deepEqual(
    list.map((b) => [b.name, b.available, b.reason]),
    [
      ['ref', true, undefined],
      ['gpu', false, 'no adapter found'],
    ],
  );
});

test('a declining backend is passed over, and the fallback is counted with its reason', async () => {
  const hp = await createRuntime({ backends: [fakeFactory('fast', { decline: 'fast: float64 not supported' }), ref] });
  const x = hp.tensor([1, 2, 3]);
  hp.relu(x);
  hp.relu(x);
  const stats = hp.stats().kernels.relu!;
  assert.equal(stats.calls, 2);
  assert.deepEqual(stats.backends, { ref: 2 });
  assert.deepEqual(stats.fallbacks, { 'fast: fast: float64 not supported': 2 });
  assert.ok(stats.p50Ms >= 0 && stats.p99Ms >= stats.p50Ms);
});

test('require pins a backend: its refusal is a BACKEND error listing every reason', async () => {
  const hp = await createRuntime({ backends: [fakeFactory('fast', { decline: 'too small to pay' }), ref], require: 'fast' });
  assert.throws(() => hp.relu(hp.tensor([1])), (error: unknown) => {
    assert.ok(error instanceof HotpathError);
    assert.equal(error.code, 'BACKEND');
    assert.match(error.message, /required backend 'fast' cannot run this call/);
    assert.match(error.message, /fast: too small to pay/);
    return true;
  });
  await assert.rejects(createRuntime({ backends: [fakeFactory('gpu', { fail: 'no adapter' }), ref], require: 'gpu' }), /gpu: no adapter/);
  await assert.rejects(createRuntime({ backends: ['nonesuch'] }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
});

test('verify mode catches a backend that disagrees with ref', async () => {
  const hp = await createRuntime({ backends: [fakeFactory('bad', { corrupt: true }), ref], verify: true });
  const a = hp.tensor([[1, 2], [3, 4]]);
  assert.throws(() => hp.matmul(a, a), (error: unknown) => {
    assert.ok(error instanceof HotpathError);
    assert.equal(error.code, 'MISMATCH');
    assert.match(error.message, /worst at flat index 0: 8 vs expected 7/);
    return true;
  });
  assert.throws(() => hp.add(a, a), /MISMATCH|disagrees/);
});

test('verify passes a faithful backend and samples at the given rate', async () => {
  const hp = await createRuntime({ backends: [fakeFactory('good', {}), ref], verify: 0.5 });
  const a = hp.tensor([[1, 2], [3, 4]]);
  for (let i = 0; i < 10; i++) {
    hp.softmax(a);
  }
  const s = hp.stats().kernels.softmax!;
  assert.deepEqual(s.backends, { good: 10 });
  assert.equal(s.verified, 5);
  await assert.rejects(createRuntime({ verify: 2 }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
});

test('run() rejects unknown kernels and attributes; a closed runtime refuses work', async () => {
  const hp = await createRuntime();
  const x = hp.tensor([1, 2]);
  assert.throws(() => hp.run('nonesuch' as never, [x]), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
  assert.throws(() => hp.run('softmax', [x], { axsi: 0 } as never), /unknown attribute 'axsi'/);
  assert.throws(() => hp.run('relu', []), /wrong number of inputs/);
  assert.throws(() => hp.relu({} as never), /is not a tensor/);
  await hp.close();
  assert.throws(() => hp.relu(x), (e: unknown) => e instanceof HotpathError && e.code === 'BACKEND');
});

test('two runtimes share nothing', async () => {
  const a = await createRuntime();
  const b = await createRuntime();
  a.tensor([1, 2, 3]);
  assert.equal(a.memory().tensors, 1);
  assert.equal(b.memory().tensors, 0);
  a.relu(a.tensor([1]));
  assert.equal(b.stats().kernels.relu, undefined);
});
