/**
 * The wasm glue of user kernels, with modules written by hand in AssemblyScript here (the
 * compiler's output has the same exports, abi.ts): the desc block, argument lists by name,
 * the thread split, reduce chunks combined on the host in index order, layout declines that the
 * runtime cures with a counted copy, and a module that disagrees with its signature.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import asc from 'assemblyscript/asc';
import { combined } from '../../src/backends/wasm/user.js';
import { createRuntime, HotpathError, type Runtime } from '../../src/index.js';
import type { UserCompiler } from '../../src/runtime/userKernels.js';
import { signaturesOf, type CompiledKernel } from '../../src/user/abi.js';
import { map, pairwise, reduce, rows, type f32, type Row, type UserKernel } from '../../src/user/kernel.js';
import * as compiled from '../kernels/basic.js';

const FLAGS = { runtime: 'stub', noAssert: true, enable: ['simd', 'threads'], importMemory: true, sharedMemory: true, initialMemory: 17, maximumMemory: 65536, noExportMemory: true, optimizeLevel: 2 };

async function build(source: string): Promise<Uint8Array> {
  const result = await asc.compileString({ 'kernel.ts': source }, FLAGS as never);
  if (result.error !== null || result.binary === undefined || result.binary === null) {
    throw new Error(`asc: ${String(result.error)}\n${result.stderr.toString()}`);
  }
  return result.binary;
}

/** out = alpha * a + beta * b + c over the 4-d space; alpha, beta are params, c a constant. */
const MAP_SOURCE = `
export function run(desc: usize, p0: usize, s0_0: i32, s0_1: i32, s0_2: i32, s0_3: i32, p1: usize, s1_0: i32, s1_1: i32, s1_2: i32, s1_3: i32, out: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  const alpha = load<f32>(desc);
  const beta = load<f32>(desc + 4);
  const c = load<f32>(desc + 8);
  for (let r = rowStart; r < rowEnd; r++) {
    const i2 = r % d2;
    const t = r / d2;
    const i1 = t % d1;
    const i0 = t / d1;
    const a = p0 + <usize>((i0 * s0_0 + i1 * s0_1 + i2 * s0_2) << 2);
    const b = p1 + <usize>((i0 * s1_0 + i1 * s1_1 + i2 * s1_2) << 2);
    const o = out + ((<usize>r * <usize>d3) << 2);
    for (let j = 0; j < d3; j++) {
      const x = load<f32>(a + <usize>((j * s0_3) << 2));
      const y = load<f32>(b + <usize>((j * s1_3) << 2));
      store<f32>(o + (<usize>j << 2), alpha * x + beta * y + c);
    }
  }
}
`;

/** partials[chunk] = float64 sum of x * x over the chunk's rows. */
const REDUCE_SOURCE = `
export function run(desc: usize, p0: usize, s0_0: i32, s0_1: i32, s0_2: i32, s0_3: i32, partials: usize, d1: i32, d2: i32, d3: i32, chunkRows: i32, rowStart: i32, rowEnd: i32): void {
  for (let first = rowStart; first < rowEnd; first += chunkRows) {
    const last = min(first + chunkRows, rowEnd);
    let total: f64 = 0;
    for (let r = first; r < last; r++) {
      const i2 = r % d2;
      const t = r / d2;
      const i1 = t % d1;
      const i0 = t / d1;
      const a = p0 + <usize>((i0 * s0_0 + i1 * s0_1 + i2 * s0_2) << 2);
      for (let j = 0; j < d3; j++) {
        const x = load<f32>(a + <usize>((j * s0_3) << 2));
        total += <f64>(x * x);
      }
    }
    store<f64>(partials + (<usize>(first / chunkRows) << 3), total);
  }
}
`;

/** out row = x row * scale (a param). */
const ROWS_SOURCE = `
export function run(desc: usize, x0: usize, rs0: i32, out: usize, ors: i32, n: i32, rowStart: i32, rowEnd: i32): void {
  const scale = load<f32>(desc);
  for (let r = rowStart; r < rowEnd; r++) {
    const x = x0 + ((<usize>r * <usize>rs0) << 2);
    const o = out + ((<usize>r * <usize>ors) << 2);
    for (let j = 0; j < n; j++) {
      store<f32>(o + (<usize>j << 2), load<f32>(x + (<usize>j << 2)) * scale);
    }
  }
}
`;

/** out[i, j] = sqrt(sum |x[i, k] - y[j, k]|); assign is declared by the ABI but unused here. */
const PAIRWISE_SOURCE = `
export function run(desc: usize, x: usize, xrs: i32, y: usize, yrs: i32, d: i32, m: i32, out: usize, rowStart: i32, rowEnd: i32): void {
  for (let i = rowStart; i < rowEnd; i++) {
    const xi = x + ((<usize>i * <usize>xrs) << 2);
    for (let j = 0; j < m; j++) {
      const yj = y + ((<usize>j * <usize>yrs) << 2);
      let acc: f32 = 0;
      for (let k = 0; k < d; k++) {
        acc += abs<f32>(load<f32>(xi + (<usize>k << 2)) - load<f32>(yj + (<usize>k << 2)));
      }
      store<f32>(out + ((<usize>i * <usize>m + <usize>j) << 2), sqrt<f32>(acc));
    }
  }
}
export function assign(desc: usize, x: usize, xrs: i32, y: usize, yrs: i32, d: i32, m: i32, labels: usize, best: usize, rowStart: i32, rowEnd: i32): void {}
`;

const axpby = map({ name: 'axpby', inputs: ['a', 'b'], params: { alpha: 2, beta: -1 }, element: (a: f32, b: f32, alpha: f32, beta: f32): f32 => alpha * a + beta * b + 0.25 });
const squares = reduce({ name: 'squares', inputs: ['x'], combine: 'sum', element: (x: f32): f32 => x * x });
const scaled = rows({
  name: 'scaled',
  inputs: ['x'],
  params: { scale: 3 },
  row(x: Row, out: Row, n: number, scale: f32): void {
    for (let j = 0; j < n; j++) {
      out[j] = x[j]! * scale;
    }
  },
});
const rootL1 = pairwise({ name: 'rootL1', term: (a: f32, b: f32): f32 => Math.abs(a - b), finish: (acc: f32): f32 => Math.sqrt(acc) });

const SOURCES: Record<string, string> = { axpby: MAP_SOURCE, squares: REDUCE_SOURCE, scaled: ROWS_SOURCE, rootL1: PAIRWISE_SOURCE };

/** Compiles the hand-written module of each kernel once. */
function handCompiler(): UserCompiler & { built: Map<string, CompiledKernel> } {
  const built = new Map<string, CompiledKernel>();
  return {
    built,
    async compile(k: UserKernel): Promise<CompiledKernel> {
      const inputs = k.kind === 'pairwise' ? 2 : (k.decl as { inputs: readonly string[] }).inputs.length;
      // 0.25 as float32 bits: the one constant of axpby.
      const constants = k.name === 'axpby' ? [new Int32Array(Float32Array.of(0.25).buffer)[0]!] : [];
      const compiled: CompiledKernel = { name: k.name, kind: k.kind, inputs, wasm: await build(SOURCES[k.name]!), exports: signaturesOf(k.kind, inputs), constants, hash: `hand-${k.name}` };
      built.set(k.name, compiled);
      return compiled;
    },
  };
}

function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.fround((s / 2147483648) * 4 - 2);
  });
}

/** Every |actual - expected| within `ulps` float32 ulps of max(|expected|, 1). */
function near(actual: ArrayLike<number>, expected: readonly number[], ulps: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const bound = ulps * 2 ** -23 * Math.max(Math.abs(expected[i]!), 1);
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= bound, `element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

async function wasmRuntime(threads: number): Promise<Runtime> {
  const hp = await createRuntime({ backends: ['wasm', 'ref'], threads, parallelThreshold: 0, verify: true, userCompiler: handCompiler() });
  await hp.load([axpby, squares, scaled, rootL1]);
  return hp;
}

test('map on wasm: params and constants in desc, broadcast and transposed operands, verified against ref', async () => {
  const hp = await wasmRuntime(2);
  const a = values(6 * 5, 1);
  const b = values(5, 2);
  // a [6, 5] read transposed from [5, 6] storage; b [5] broadcast along rows.
  const at = hp.tensor(a, [5, 6]).transpose();
  const out = hp.run(axpby, [at, hp.tensor(b, [5])], { beta: 0.5 })[0]!;
  const expected = [0, 1, 2, 3, 4, 5].flatMap((i) => [0, 1, 2, 3, 4].map((j) => 2 * a[j * 6 + i]! + 0.5 * b[j]! + 0.25));
  near(out.toArray() as Float32Array, expected, 2);
  // A long contiguous row: cut into blocks shared by the threads plus a tail.
  const long = values(70001, 3);
  const y = hp.run(axpby, [hp.tensor(long), hp.tensor(long)])[0]!;
  near(y.toArray() as Float32Array, long.map((v) => v + 0.25), 2);
  const s = hp.stats().kernels['axpby']!;
  assert.deepEqual(s.backends, { wasm: 2 });
  assert.deepEqual(s.threads, { '2': 2 });
  assert.equal(s.verified, 2);
  assert.deepEqual(s.fallbacks, {});
  await hp.close();
});

test('reduce on wasm: fixed chunks combined in index order give the same bits on 1 and 2 threads', async () => {
  const x = values(3 * 4096 + 100, 4);
  const expected = x.reduce((p, v) => p + Math.fround(v * v), 0);
  const results: number[] = [];
  for (const threads of [1, 2]) {
    const hp = await wasmRuntime(threads);
    const flat = hp.run(squares, [hp.tensor(x)])[0]!.item() as number;
    assert.equal(flat, Math.fround(expected), `threads ${threads}`);
    // 2-d and strided: [12388 / 4, 4] transposed is [4, 3097] with a column stride of 4.
    const t = hp.tensor(x, [x.length / 4, 4]).transpose();
    assert.equal(hp.run(squares, [t])[0]!.item(), Math.fround(expected));
    assert.equal(hp.run(squares, [hp.tensor([], [0])])[0]!.item(), 0);
    assert.deepEqual(hp.stats().kernels['squares']!.backends, { wasm: 3 });
    results.push(flat);
    await hp.close();
  }
  assert.equal(results[0], results[1]);
});

test('combined(): partials in index order, NaN wins min and max as in Math.min', () => {
  assert.equal(combined(Float64Array.of(1, 2, 3.5), 'sum'), 6.5);
  assert.equal(combined(Float64Array.of(3, -1, 2), 'min'), -1);
  assert.ok(Number.isNaN(combined(Float64Array.of(3, Number.NaN, 2), 'min')));
  assert.ok(Number.isNaN(combined(Float64Array.of(3, Number.NaN, 2), 'max')));
  assert.equal(combined(Float64Array.of(-0, 0), 'max'), 0);
});

test('rows and pairwise on wasm; a column-major input is copied to row-major (counted) and still runs on wasm', async () => {
  const hp = await wasmRuntime(2);
  const data = values(7 * 9, 5);
  const nested = [0, 1, 2, 3, 4, 5, 6].map((r) => data.slice(r * 9, r * 9 + 9));
  const out = hp.run(scaled, [hp.tensor(data, [7, 9])], { scale: -2 })[0]!;
  near(out.toArray() as Float32Array, data.map((v) => -2 * v), 1);
  const col = hp.run(scaled, [hp.tensor(nested, undefined, { layout: 'col' })])[0]!;
  near(col.toArray() as Float32Array, data.map((v) => 3 * v), 1);
  assert.deepEqual(hp.stats().kernels['scaled']!.backends, { wasm: 2 });
  assert.ok(Object.keys(hp.stats().copies).some((reason) => reason.startsWith('scaled: inputs copied to row-major for wasm')));
  const xs = values(5 * 6, 6);
  const ys = values(4 * 6, 7);
  const d = hp.run(rootL1, [hp.tensor(xs, [5, 6]), hp.tensor(ys, [4, 6])])[0]!;
  const expected = [0, 1, 2, 3, 4].flatMap((i) => [0, 1, 2, 3].map((j) => Math.sqrt([0, 1, 2, 3, 4, 5].reduce((p, k) => p + Math.abs(xs[i * 6 + k]! - ys[j * 6 + k]!), 0))));
  near(d.toArray() as Float32Array, expected, 8);
  assert.deepEqual(hp.stats().kernels['rootL1']!.backends, { wasm: 1 });
  await hp.close();
});

test('a module whose export disagrees with its declared signature is refused at load (COMPILE), never run', async () => {
  const compiler = handCompiler();
  const lying: UserCompiler = {
    async compile(k) {
      const real = await compiler.compile(k);
      // Declares one parameter fewer than the module's run takes.
      return { ...real, exports: [{ name: 'run', params: real.exports[0]!.params.slice(1) }] };
    },
  };
  const hp = await createRuntime({ backends: ['wasm', 'ref'], userCompiler: lying });
  await assert.rejects(hp.load(scaled), (e: unknown) => e instanceof HotpathError && e.code === 'COMPILE' && /scaled: the wasm pool refused the compiled module.*run/.test(e.message) && (e.cause as HotpathError).code === 'ARGUMENT');
  await hp.load(scaled, { fallback: 'ref' });
  near(hp.run(scaled, [hp.tensor([[1, 2]])])[0]!.toArray() as Float32Array, [3, 6], 0);
  assert.match(Object.keys(hp.stats().kernels['scaled']!.fallbacks)[0]!, /^wasm: compile failed: scaled: the wasm pool refused the compiled module/);
  await hp.close();
});

test('compiled by hotpath: every kind runs on wasm, verified against the user\'s function, with layouts and broadcasting', async () => {
  // A fresh cache: the kernels are compiled in a worker thread here, not read from an earlier run.
  const hp = await createRuntime({ backends: ['wasm', 'ref'], threads: 2, parallelThreshold: 0, verify: true, kernels: { cacheDir: mkdtempSync(path.join(tmpdir(), 'hotpath-kernels-')) } });
  await hp.load([compiled.huber, compiled.clampScale, compiled.largest, compiled.chebyshev, compiled.weighted, compiled.zscore]);
  const pred = values(10007, 8).map((v) => v * 3);
  const target = values(10007, 9);
  let loss = 0;
  pred.forEach((p, i) => {
    const a = Math.abs(p - target[i]!);
    loss += a <= 0.5 ? 0.5 * a * a : 0.5 * (a - 0.25);
  });
  const got = hp.run(compiled.huber, [hp.tensor(pred), hp.tensor(target)], { delta: 0.5 })[0]!.item() as number;
  assert.ok(Math.abs(got - loss) <= 9 * 2 ** -23 * loss, `${got} vs ${loss}`);
  const x = hp.tensor(values(6 * 33, 10), [33, 6]).transpose(); // [6, 33], column stride 6
  hp.run(compiled.clampScale, [x, hp.tensor(values(33, 11), [33])]);
  hp.run(compiled.largest, [x]);
  hp.run(compiled.zscore, [x]); // last-axis stride 6: copied to row-major, counted
  hp.run(compiled.chebyshev, [hp.tensor(values(5 * 7, 12), [5, 7]), hp.tensor(values(9 * 7, 13), [9, 7])]);
  hp.run(compiled.weighted, [hp.tensor(values(5 * 7, 12), [5, 7]), hp.tensor(values(9 * 7, 13), [9, 7])], { w: 0.25 });
  const kernels = hp.stats().kernels;
  for (const name of ['huber', 'clampScale', 'largest', 'zscore', 'chebyshev', 'weighted']) {
    assert.deepEqual(kernels[name]!.backends, { wasm: 1 }, name);
    assert.equal(kernels[name]!.verified, 1, name);
    assert.deepEqual(kernels[name]!.fallbacks, {}, name);
  }
  assert.ok(Object.keys(hp.stats().copies).some((reason) => reason.startsWith('zscore: inputs copied to row-major for wasm')));
  await hp.close();
});

test("kernels: { compile: 'never' } without a build: load() is COMPILE naming hotpath build; with fallback the reason is counted", async () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'hotpath-kernels-'));
  const hp = await createRuntime({ backends: ['wasm', 'ref'], kernels: { compile: 'never', cacheDir: empty, artifacts: [] } });
  await assert.rejects(hp.load(compiled.largest), (e: unknown) => e instanceof HotpathError && e.code === 'COMPILE' && /largest: no ahead-of-time build of the kernel was found.*hotpath build/.test(e.message));
  await hp.load(compiled.largest, { fallback: 'ref' });
  assert.equal(hp.run(compiled.largest, [hp.tensor([0.5, -3])])[0]!.item(), 2);
  const [reason, count] = Object.entries(hp.stats().kernels['largest']!.fallbacks)[0]!;
  assert.match(reason, /^wasm: compile failed: largest: no ahead-of-time build of the kernel was found and compiling is off/);
  assert.equal(count, 1);
  await hp.close();
  await assert.rejects(createRuntime({ backends: ['wasm', 'ref'], kernels: { compile: 'sometimes' } as never }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /invalid compile/.test(e.message));
});
