/**
 * The call chain every kernel call goes through: observers get one event per call with what
 * the runtime did (kernel, backend, shapes, dtype, threads, cost, fallbacks, copies, verify);
 * stats() is the first observer, its percentiles come from bounded-memory histograms; an
 * observer that throws is removed with a warning, and the computation goes on.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { createRuntime, shapeClassOf, type KernelCall } from '../../src/index.js';
import { LatencyHistogram } from '../../src/monitor/histogram.js';

test('histogram quantiles are within 1/32 of the exact nearest-rank quantile', () => {
  let s = 7;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const spread of [1e-2, 1, 1e3]) {
    // From 10 ns to 1000 s: inside the histogram's range (about 1 ns to 17 min).
    const h = new LatencyHistogram();
    // Log-uniform over six decades: the shape of real latency tails.
    const samples = Array.from({ length: 20_000 }, () => spread * 10 ** (rnd() * 6 - 3));
    samples.forEach((x) => h.add(x));
    const sorted = [...samples].sort((a, b) => a - b);
    for (const q of [0.01, 0.5, 0.9, 0.99, 0.999, 1]) {
      const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
      const got = h.quantile(q);
      assert.ok(Math.abs(got - exact) <= exact / 32, `spread ${spread} q ${q}: ${got} vs ${exact}`);
    }
    assert.equal(h.count, samples.length);
    assert.ok(Math.abs(h.sum - samples.reduce((a, b) => a + b, 0)) <= 1e-9 * h.sum);
  }
  const empty = new LatencyHistogram();
  assert.equal(empty.quantile(0.5), 0);
  empty.add(Number.NaN);
  empty.add(-1);
  assert.equal(empty.count, 0);
});

test('shape classes round each dimension up to a power of two', () => {
  assert.equal(shapeClassOf([[1000, 33], [1], []]), '1024x64,1,scalar');
  assert.equal(shapeClassOf([[4096, 1024]]), '4096x1024');
});

test('an observer sees each call as it ran: backend, shapes, threads, cost, copies, verify', async () => {
  const hp = await createRuntime({ require: 'wasm', threads: 2, parallelThreshold: 0, verify: true });
  try {
    const calls: KernelCall[] = [];
    const stop = hp.observe((c) => calls.push(c));
    const x = hp.tensor(Float32Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i)), [64, 48]);
    const before = Date.now();
    hp.run('softmax', [x]);
    hp.run('softmax', [x.transpose()]);
    const explained = hp.explain('softmax', [x]);
    stop();
    hp.run('softmax', [x]);
    assert.equal(calls.length, 2, 'the observer stopped after stop()');
    const [first, second] = calls as [KernelCall, KernelCall];
    assert.equal(first.kernel, 'softmax');
    assert.equal(first.backend, 'wasm');
    assert.equal(first.dtype, 'float32');
    assert.deepEqual(first.shapes, [[64, 48]]);
    assert.deepEqual(second.shapes, [[48, 64]]);
    assert.equal(first.threads, 2);
    assert.equal(first.verify, 'passed');
    assert.equal(first.flops, explained.cost.flops);
    assert.equal(first.bytes, explained.cost.bytes);
    assert.ok(first.durationMs > 0);
    // Epoch milliseconds, taken around the call.
    assert.ok(first.startMs >= before - 1 && first.startMs <= Date.now() + 1, `${first.startMs} vs ${before}`);
    assert.ok(second.startMs >= first.startMs + first.durationMs);
    assert.deepEqual(first.copies, []);
    const s = hp.stats().kernels.softmax!;
    assert.equal(s.calls, 3);
    assert.equal(s.verified, 3);
    assert.equal(s.byBackend.wasm!.calls, 3);
    assert.ok(s.p50Ms <= s.p90Ms && s.p90Ms <= s.p99Ms);
    // Achieved rates are the summed cost over the summed time.
    assert.ok(Math.abs(s.gflops - (3 * first.flops) / (s.totalMs / 1000) / 1e9) <= 1e-9 * s.gflops);
  } finally {
    await hp.close();
  }
});

test('a copy for layout and a fallback are in the event and in stats()', async () => {
  const hp = await createRuntime({ threads: 1 });
  try {
    const calls: KernelCall[] = [];
    hp.observe((c) => calls.push(c));
    // int32 add runs on ref only when wasm declines the dtype; a float64 matmul with a
    // transposed operand makes wasm copy or pass: whatever happens is what the event says.
    const a = hp.tensor(Float32Array.from({ length: 12 }, (_, i) => i), [3, 4]);
    hp.run('matmul', [a.transpose(), a]);
    const [call] = calls;
    const explained = hp.explain('matmul', [a.transpose(), a]);
    assert.equal(call!.backend, explained.backend);
    assert.deepEqual(call!.fallbacks, explained.passed.map((p) => `${p.backend}: ${p.reason}`));
    if (explained.copies !== undefined) {
      assert.equal(call!.copies.length, 1);
      assert.ok(call!.copies[0]!.includes(explained.copies));
      assert.ok(Object.keys(hp.stats().copies).some((r) => r.includes(explained.copies!)));
    } else {
      assert.deepEqual(call!.copies, []);
    }
  } finally {
    await hp.close();
  }
});

test('an observer that throws is removed with a warning; the call and the other observers go on', async () => {
  const hp = await createRuntime({ require: 'ref' });
  try {
    let good = 0;
    hp.observe(() => {
      throw new Error('broken hook');
    });
    hp.observe(() => good++);
    const warned = once(process, 'warning');
    const x = hp.tensor([1, 2, 3]);
    assert.deepEqual(Array.from(hp.run('exp', [x])[0]!.toArray() as Float32Array), [Math.E, Math.E ** 2, Math.E ** 3].map(Math.fround));
    hp.run('exp', [x]);
    const [warning] = (await warned) as [Error & { code?: string }];
    assert.equal(warning.code, 'HOTPATH_OBSERVER');
    assert.match(warning.message, /broken hook/);
    assert.equal(good, 2);
    assert.equal(hp.stats().kernels.exp!.calls, 2);
    assert.throws(() => hp.observe(42 as never), (e: unknown) => (e as { code?: string }).code === 'ARGUMENT');
  } finally {
    await hp.close();
  }
});
