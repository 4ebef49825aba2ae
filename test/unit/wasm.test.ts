/**
 * The wasm backend's own machinery: the build it picked, thread-count independence, the pool's
 * failure handling for a trapping call (dead workers: pool.test.ts) and flat memory over many calls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime, HotpathError, KERNELS, type Runtime } from '../../src/index.js';
import type { AnyKernelDef } from '../../src/kernels/kernel.js';
import { compare, describeWorst } from '../../src/kernels/tolerance.js';
import { chooseSimd, loadModule } from '../../src/backends/wasm/module.js';
import { Pool } from '../../src/backends/wasm/pool.js';
import { SIGNATURES } from '../../src/backends/wasm/signatures.js';
import { Heap } from '../../src/runtime/heap.js';
import { values } from '../helpers.js';

const EXPORTS = SIGNATURES.filter((s) => s.name === 'add' || s.name === 'relu');

function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

test('doctor information: the SIMD build and why', async () => {
  const hp = await createRuntime();
  const wasm = hp.backends().find((b) => b.name === 'wasm');
  assert.ok(wasm?.available, wasm?.reason);
  assert.match(wasm.simd ?? '', /^(relaxed-simd|simd128)$/);
  await hp.close();
});

test('chooseSimd: relaxed by default, relaxed behind the flag (Node 20), else plain SIMD128, each with why', () => {
  const probe = (answers: boolean[]) => {
    let flagSet = false;
    const choice = chooseSimd({
      validatesRelaxed: () => answers[flagSet ? 1 : 0]!,
      enableRelaxedFlag: () => {
        flagSet = true;
      },
      node: 'v99.1.0',
      v8: '42.7.1.2-node.3',
    });
    return { ...choice, flagSet };
  };
  const native = probe([true, true]);
  assert.deepEqual([native.build, native.flagSet], ['relaxed-simd', false]);
  assert.match(native.reason, /by default \(V8 42\.7, Node v99\.1\.0\)/);
  const flagged = probe([false, true]);
  assert.deepEqual([flagged.build, flagged.flagSet], ['relaxed-simd', true]);
  assert.match(flagged.reason, /only behind --experimental-wasm-relaxed-simd \(V8 42\.7, Node v99\.1\.0\)/);
  const plain = probe([false, false]);
  assert.deepEqual([plain.build, plain.flagSet], ['simd128', true]);
  assert.match(plain.reason, /does not validate .*plain SIMD128/);
});

test('results do not depend on the thread count, and with 2 threads every call really splits', async () => {
  const runs: number[][] = [];
  for (const threads of [1, 2]) {
    const hp: Runtime = await createRuntime({ backends: ['wasm'], require: 'wasm', threads });
    // Contiguous [1000,1000] and [999,1001] merge to one long row whose length is no multiple of
    // 256: before the fix they ran on one thread whatever `threads` said.
    const a = hp.tensor(pseudoRandom(1000 * 1000, 1), [1000, 1000]);
    const b = hp.tensor(pseudoRandom(999 * 1001, 2), [999, 1001]);
    const m = hp.tensor(pseudoRandom(400 * 300, 3), [400, 300]);
    const k = hp.tensor(pseudoRandom(300 * 300, 4), [300, 300]);
    const na = hp.neg(a);
    const out = [hp.add(a, a), hp.mul(b, b), hp.relu(b), hp.gelu(a), hp.transpose(b), hp.matmul(m, k), hp.softmax(b), hp.layerNorm(b)];
    out.push(na, hp.sub(a, na), hp.exp(b), hp.tanh(a), hp.sigmoid(b), hp.where(hp.greater(a, na), a, na), hp.clip(b, { min: -0.25, max: 0.25 }));
    runs.push(out.flatMap((t) => values(t) as number[]));
    // Each call reports the threads it ran on (stats().kernels[k].threads: calls per count).
    for (const [kernel, s] of Object.entries(hp.stats().kernels)) {
      assert.deepEqual(s.threads, { [threads]: s.calls }, `${kernel} with threads: ${threads} ran on ${JSON.stringify(s.threads)}`);
    }
    await hp.close();
  }
  // Each thread computes whole rows or blocks with the same code, so the answers are bit-identical.
  assert.deepEqual(runs[0], runs[1]);
});

test('a call that traps in a worker fails with BACKEND, and the pool keeps working', async () => {
  const heap = new Heap();
  const pool = new Pool(loadModule(EXPORTS).module, heap.memory, 2, EXPORTS);
  const x = heap.alloc(64);
  const bad = 0xfffffff0; // past the end of the memory: the wasm load traps
  const args = (ptr: number) => [ptr, 0, 0, 0, 1, x, 0, 0, 0, 1, x, 1, 1, 4, 0, 1];
  assert.throws(() => pool.parallel('add', (t) => (t === 1 ? args(bad) : null)), (e: unknown) => e instanceof HotpathError && e.code === 'BACKEND' && /worker 1 failed/.test(e.message));
  pool.parallel('add', (t) => (t === 1 ? args(x) : null));
  await pool.close();
});

test('memory stays flat over 10^4 calls', async () => {
  const hp = await createRuntime({ backends: ['wasm'], require: 'wasm' });
  const heap = (hp as unknown as { parts: { heap: Heap } }).parts.heap;
  const a = hp.tensor(pseudoRandom(64 * 64, 3), [64, 64]);
  const run = (): void => {
    hp.scope(() => {
      hp.softmax(hp.add(hp.matmul(a, a), a));
    });
  };
  for (let i = 0; i < 100; i++) {
    run();
  }
  const before = { memory: hp.memory(), used: heap.stats().usedBytes, capacity: heap.stats().capacityBytes };
  for (let i = 0; i < 10_000; i++) {
    run();
  }
  assert.deepEqual({ memory: hp.memory(), used: heap.stats().usedBytes, capacity: heap.stats().capacityBytes }, before);
  await hp.close();
});

test('integer add and mul wrap exactly as on ref, for every integer dtype', async () => {
  const hp = await createRuntime();
  const cases: [string, ArrayLike<number | bigint>, ArrayLike<number | bigint>][] = [
    ['int8', Int8Array.from([127, -128, 100, 5]), Int8Array.from([1, -1, 100, -7])],
    ['uint8', Uint8Array.from([250, 0, 16, 255]), Uint8Array.from([10, 1, 16, 255])],
    ['int16', Int16Array.from([32767, -300, 200, 1]), Int16Array.from([1, 300, 200, -1])],
    ['uint16', Uint16Array.from([65535, 3, 300, 0]), Uint16Array.from([1, 5, 300, 9])],
    ['int32', Int32Array.from([2 ** 31 - 1, 0x10001, -5, 7]), Int32Array.from([1, 0x10001, 3, -9])],
    ['uint32', Uint32Array.from([2 ** 32 - 1, 0x10001, 5, 7]), Uint32Array.from([1, 0x10001, 3, 9])],
    ['int64', BigInt64Array.from([2n ** 63n - 1n, 2n ** 62n, -5n, 7n]), BigInt64Array.from([1n, 4n, 3n, -9n])],
    ['uint64', BigUint64Array.from([2n ** 64n - 1n, 2n ** 63n, 5n, 7n]), BigUint64Array.from([1n, 2n, 3n, 9n])],
  ];
  for (const [dtype, x, y] of cases) {
    const a = hp.tensor(x as never, [2, 2]);
    const b = hp.tensor(y as never, [2, 2]);
    for (const kernel of ['add', 'mul'] as const) {
      const [onWasm] = hp.run(kernel, [a, b.transpose()], {}, { backend: 'wasm' });
      const [onRef] = hp.run(kernel, [a, b.transpose()], {}, { backend: 'ref' });
      assert.deepEqual(values(onWasm!), values(onRef!), `${kernel} ${dtype}`);
    }
  }
  assert.deepEqual(hp.stats().kernels.add!.backends, { wasm: 8, ref: 8 });
  await hp.close();
});

test('a layout the wasm kernel cannot walk is copied to row-major, counted, and still runs on wasm', async () => {
  const hp = await createRuntime({ require: 'wasm', verify: true });
  const x = hp.tensor(pseudoRandom(6 * 5, 4), [6, 5]).transpose(); // normalized dim has stride 5
  const y = hp.layerNorm(x);
  assert.deepEqual(y.shape, [5, 6]);
  const stats = hp.stats();
  assert.deepEqual(stats.kernels.layerNorm!.backends, { wasm: 1 });
  assert.equal(stats.kernels.layerNorm!.verified, 1);
  assert.equal(stats.copies['layerNorm: inputs copied to row-major for wasm (wasm layerNorm needs the normalized dims of x contiguous)'], 1);
  // Six dims that no merge can fold into four: also copied, not refused.
  const six = hp.tensor(pseudoRandom(64, 5), [2, 2, 2, 2, 2, 2]).permute([5, 3, 1, 4, 2, 0]);
  assert.deepEqual(values(hp.relu(six)), values(hp.run('relu', [six], {}, { backend: 'ref' })[0]!));
  // x, its view, y, six, its view and the two relu outputs: the temporary copies are gone.
  assert.equal(hp.memory().tensors, 7);
  await hp.close();
});

test('softmax lines whose shift overflows to -Infinity match ref (a fast-check counterexample)', async () => {
  const hp = await createRuntime();
  const x = hp.tensor([0, 8.50677014868661e37, 0, -2.5521465529286757e38, 1.1754943508222875e-38, 0, 0, 0]);
  for (const kernel of ['softmax', 'logSoftmax'] as const) {
    const [onWasm] = hp.run(kernel, [x], {}, { backend: 'wasm' });
    const [onRef] = hp.run(kernel, [x], {}, { backend: 'ref' });
    assert.deepEqual(values(onWasm!), values(onRef!), kernel);
  }
  await hp.close();
});

test('layerNorm keeps small spreads far from the origin (review finding)', async () => {
  const hp = await createRuntime();
  const noise = pseudoRandom(4 * 4096, 9);
  const far = hp.tensor(noise.map((v) => 3000 + 0.01 * v), [4, 4096]);
  // Squares past float32's range take the float64 path (well-conditioned means: summing
  // 1e20 and -1e20 with small terms would make any summation order's answer luck).
  const wide = hp.tensor([1e20, 2e20, 3e20, 4e20, 3e38, 1e38, 2e38, 2.5e38], [2, 4]);
  const def = KERNELS.layerNorm as unknown as AnyKernelDef;
  // The first 16 elements far from the rest: the pilot-shifted variance would cancel, so the
  // centred recompute runs.
  const outliers = hp.tensor(Float32Array.from({ length: 1024 }, (_, i) => (i < 16 ? 1000 : 0.001 * i)), [1, 1024]);
  for (const x of [far, wide, outliers]) {
    const onWasm = hp.run('layerNorm', [x], {}, { backend: 'wasm' });
    const onRef = hp.run('layerNorm', [x], {}, { backend: 'ref' });
    onRef.forEach((e, i) => {
      const result = compare({ tolerance: def.tolerance, dtype: 'float32', actual: onWasm[i]!.toArray(), expected: e.toArray() });
      assert.ok(result.ok, `${x.toString()} output ${i}: ${describeWorst(result)}`);
    });
  }
  await hp.close();
});

test('matmul scratch stays bounded for very wide B, and a failed growth leaves earlier scratch intact', async () => {
  const hp = await createRuntime({ require: 'wasm', heapBytes: 64 << 20 });
  const heap = (hp as unknown as { parts: { heap: Heap } }).parts.heap;
  const a = hp.tensor([2], [1, 1]);
  const b = hp.tensor(pseudoRandom(1 << 20, 6), [1, 1 << 20]);
  const c = hp.matmul(a, b);
  assert.equal(c.get(0, 12345), 2 * (b.get(0, 12345) as number));
  // Packing 2^20 columns one NC block at a time: far below the 8 MiB of B itself.
  assert.ok(heap.stats().usedBytes < 16 << 20, `heap in use ${heap.stats().usedBytes}`);
  c.release();
  const small = hp.tensor(pseudoRandom(512 * 512, 7), [512, 512]);
  const before = values(hp.matmul(small, small));
  // A product whose packing scratch (about 4 MiB a thread) no longer fits: B is a broadcast
  // view, so the tensors themselves are small; a filler leaves about 4 MiB of heap free.
  const tall = hp.empty([64, 4096]);
  const wide = hp.tensor(pseudoRandom(4096, 8), [1, 4096]).broadcastTo([4096, 4096]);
  const out = hp.empty([64, 4096]);
  const filler = hp.empty([Math.floor((heap.maximumBytes - heap.stats().usedBytes - (4 << 20)) / 4)]);
  assert.throws(() => hp.matmul(tall, wide), (e: unknown) => e instanceof HotpathError && e.code === 'MEMORY' && /kernel scratch/.test(e.message));
  filler.release();
  out.release();
  assert.deepEqual(values(hp.matmul(small, small)), before);
  await hp.close();
});

test('irfft ignores the imaginary part of DC on every length (a fast-check counterexample)', async () => {
  const hp = await createRuntime();
  const x = hp.tensor([1.1754943508222875e-38, -0.000095367431640625], [1, 2]);
  for (const length of [2, 3, 4, 7]) {
    const attrs = { axis: -2, inverse: true, onesided: true, length };
    const [onWasm] = hp.run('dft', [x], attrs, { backend: 'wasm' });
    const [onRef] = hp.run('dft', [x], attrs, { backend: 'ref' });
    assert.deepEqual(values(onWasm!), values(onRef!), `length ${length}`);
  }
  await hp.close();
});

test('matmul and gemm on wasm agree with ref across the blocking: one k slice (C written once), several, edge tiles, a C term', async () => {
  // verify mode runs ref beside wasm and throws MISMATCH beyond the declared tolerance.
  const hp = await createRuntime({ backends: ['wasm', 'ref'], verify: true, threads: 2, parallelThreshold: 0 });
  for (const [m, k, n] of [[37, 200, 29], [37, 256, 8], [9, 600, 33], [64, 257, 16], [5, 1, 3]] as const) {
    hp.scope(() => {
      const a = hp.tensor(pseudoRandom(m * k, m + k), [m, k]);
      const b = hp.tensor(pseudoRandom(k * n, k + n), [k, n]);
      const c = hp.tensor(pseudoRandom(m * n, n), [m, n]);
      hp.matmul(a, b);
      hp.gemm(a, b, c, { alpha: 0.5, beta: 2 });
      hp.gemm(a, b, undefined, { alpha: -1.5 });
    });
  }
  const stats = hp.stats().kernels;
  assert.equal(stats.matmul?.backends.wasm, 5);
  assert.equal(stats.gemm?.backends.wasm, 10);
  assert.equal(stats.matmul?.verified, 5);
  await hp.close();
});

test('reduceSum/reduceMean over an outer axis (column sums, 4 and 16 at a time) agree with ref, on 1 and 2 threads alike', async () => {
  const results: (number | bigint)[][] = [];
  for (const threads of [1, 2]) {
    const hp = await createRuntime({ backends: ['wasm', 'ref'], verify: true, threads, parallelThreshold: 0 });
    const out: (number | bigint)[] = [];
    for (const [rows, cols] of [[1000, 40], [37, 16], [5, 7], [300, 21]] as const) {
      hp.scope(() => {
        const x = hp.tensor(pseudoRandom(rows * cols, rows + cols), [rows, cols]);
        out.push(...values(hp.reduceMean(x, { axes: [0], keepdims: false })), ...values(hp.reduceSum(x, { axes: [0] })));
        const x3 = hp.tensor(pseudoRandom(rows * cols * 2, rows), [2, rows, cols]);
        out.push(...values(hp.reduceSum(x3, { axes: [1] })));
      });
    }
    assert.equal(hp.stats().kernels.reduceSum?.backends.wasm, 8);
    results.push(out);
    await hp.close();
  }
  assert.deepEqual(results[0], results[1]);
});

test('pairwiseDistances on wasm: the fused GEMM epilogue, its recomputation list, and the unfused path when the list overflows, all match float64', async () => {
  // Two tight clusters 200 apart (near 1e4): every pair inside a cluster is a recomputation
  // candidate (its distance is small beside the norms about the mean), half of all pairs.
  // 800 x 800 on one thread lists more than the per-thread capacity (2^18), so the call falls
  // back to the unfused path; 300 x 200 stays within it.
  const clustered = (count: number, seed: number): Float32Array => Float32Array.from(pseudoRandom(count * 8, seed), (v, e) => 1e4 + v + (Math.floor(e / 8) % 2 === 0 ? 100 : -100));
  for (const [n, m, threads] of [[800, 800, 1], [300, 200, 2], [37, 29, 2]] as const) {
    const hp = await createRuntime({ backends: ['wasm'], require: 'wasm', threads, parallelThreshold: 0 });
    const d = 8;
    const x = clustered(n, 3);
    const y = clustered(m, 4);
    for (const metric of ['sqeuclidean', 'euclidean'] as const) {
      const got = hp.scope(() => hp.pairwiseDistances(hp.tensor(x, [n, d]), hp.tensor(y, [m, d]), { metric }).toArray() as Float32Array);
      let worst = 0;
      for (let i = 0; i < n; i += 7) {
        for (let j = 0; j < m; j++) {
          let sum = 0;
          for (let p = 0; p < d; p++) {
            sum += (x[i * d + p]! - y[j * d + p]!) ** 2;
          }
          const expected = metric === 'euclidean' ? Math.sqrt(sum) : sum;
          worst = Math.max(worst, Math.abs(got[i * m + j]! - expected) / expected);
        }
      }
      assert.ok(worst <= 1e-5, `${n}x${m} ${metric}: max relative error ${worst}`);
    }
    await hp.close();
  }
});
