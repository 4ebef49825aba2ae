/**
 * The native addon's core (native/src/{addon,cpu,pool,check*}.c, src/backends/native): loading,
 * the instruction-set path choice, each path running, bounds checks on every heap offset, and
 * the runtime options. Kernels have their own test files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadAddon, NATIVE_ABI, type Addon } from '../../src/backends/native/addon.js';
import { choosePath } from '../../src/backends/native/index.js';
import { createRuntime, HotpathError } from '../../src/index.js';
import { hotpath, lcg } from '../helpers.js';
import { nativePaths, nativeSkip } from '../native.js';

/** The flags line of /proc/cpuinfo, when there is one. */
function readCpuFlags(): Set<string> | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return line === undefined ? undefined : new Set(line.split(':')[1]!.trim().split(/\s+/));
  } catch {
    return undefined;
  }
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const skip = nativeSkip === undefined ? {} : { skip: nativeSkip };

function addon(): Addon {
  const loaded = loadAddon();
  assert.ok('addon' in loaded, 'reason' in loaded ? loaded.reason : '');
  return loaded.addon;
}

test('choosePath: the widest usable path, or the one asked for when usable', () => {
  const all = ['avx512', 'avx2', 'scalar'] as const;
  assert.equal(choosePath(undefined, all, all), 'avx512');
  assert.equal(choosePath(undefined, ['avx2', 'scalar'], all), 'avx2', 'a CPU without AVX-512 gets avx2');
  assert.equal(choosePath(undefined, all, ['avx2', 'scalar']), 'avx2', 'a build without avx512 gets avx2');
  assert.equal(choosePath('scalar', all, all), 'scalar');
  assert.throws(() => choosePath('avx512', ['avx2', 'scalar'], all), /avx512 path was asked for .* this CPU or OS cannot run it; usable here: avx2, scalar/);
  assert.throws(() => choosePath('neon', all, all), /neon path .* not built for this architecture/);
  assert.throws(() => choosePath(undefined, [], all), /no native path/);
});

test('the addon reports its ABI, the CPU and the paths; scalar is always there', skip, () => {
  const info = addon().info();
  assert.equal(info.abi, NATIVE_ABI);
  assert.ok(info.supported.includes('scalar') && info.built.includes('scalar'));
  assert.match(info.features, /^(x86-64|aarch64)/);
  if (process.arch === 'x64') {
    assert.ok(!info.built.includes('neon'), 'no NEON path on x86-64');
    // The Linux kernel's own reading of CPUID (/proc/cpuinfo) must agree with the addon's.
    const flags = readCpuFlags();
    if (flags !== undefined) {
      assert.equal(info.features.includes('avx512f'), flags.has('avx512f'));
      assert.equal(info.features.includes('avx2'), flags.has('avx2'));
      assert.equal(info.supported.includes('avx2'), flags.has('avx2') && flags.has('fma') && flags.has('f16c'));
    }
  }
});

test('every usable path computes a float32 dot product within float32 rounding of the float64 one', skip, () => {
  const a = addon();
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 64, shared: true });
  const n = 1001; // not a multiple of any vector width: the tail runs too
  const f = new Float32Array(memory.buffer);
  const next = lcg(3);
  let exact = 0;
  let magnitude = 0;
  for (let i = 0; i < n; i++) {
    f[i] = next() - 0.5;
    f[2048 + i] = next() - 0.5;
    exact += f[i]! * f[2048 + i]!;
    magnitude += Math.abs(f[i]! * f[2048 + i]!);
  }
  assert.ok(nativePaths.length >= 1);
  for (const isa of nativePaths) {
    const ctx = a.create(new Uint8Array(memory.buffer), 2, isa);
    try {
      const got = (a['dotF32'] as (...args: unknown[]) => number)(ctx, memory.buffer.byteLength, 0, 2048 * 4, n);
      // float32 products summed in float32 lanes: within n * eps32 of the magnitude.
      assert.ok(Math.abs(got - exact) <= n * 2 ** -24 * magnitude, `${isa}: ${got} vs ${exact}`);
    } finally {
      a.close(ctx);
    }
  }
});

test('heap offsets are bounds-checked, closed contexts and bad calls throw instead of crashing', skip, () => {
  const a = addon();
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const ctx = a.create(new Uint8Array(memory.buffer), 1, 'scalar');
  const dot = a['dotF32'] as (...args: unknown[]) => number;
  const bytes = memory.buffer.byteLength;
  assert.equal(dot(ctx, bytes, 0, 0, 0), 0);
  assert.throws(() => dot(ctx, bytes, bytes - 8, 0, 4), (e: Error & { code?: string }) => e.code === 'HOTPATH_NATIVE' && /outside the heap/.test(e.message));
  assert.throws(() => dot(ctx, bytes, -4, 0, 1), /outside the heap/);
  assert.throws(() => dot(ctx, bytes, 0, 0, Number.NaN), /outside the heap/);
  assert.throws(() => dot(ctx, bytes, 0, 0), /expected 5 arguments, received 4/);
  assert.throws(() => dot(ctx, bytes, 0, '0', 1), /argument 3 is not a number/);
  assert.throws(() => dot({}, bytes, 0, 0, 1), /not an open native context/);
  assert.throws(() => a.create(new Uint8Array(memory.buffer), 0, 'scalar'), /threads 1-256/);
  assert.throws(() => a.create(new Uint8Array(memory.buffer, 8), 1, 'scalar'), /whole buffer/);
  assert.throws(() => a.create(new Uint8Array(memory.buffer), 1, 'mmx' as never), /cannot run on this CPU/);
  a.close(ctx);
  assert.throws(() => dot(ctx, bytes, 0, 0, 1), /not an open native context/);
  a.close(ctx); // twice: nothing happens
});

test('native.isa: a bad value is ARGUMENT, a path the CPU cannot run leaves native unavailable with the reason', async () => {
  await assert.rejects(createRuntime({ native: { isa: 'sse4' as never } }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /native options/.test(e.message));
  await assert.rejects(createRuntime({ native: 'avx2' as never }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
  const foreign = process.arch === 'arm64' ? 'avx2' : 'neon';
  const hp = await createRuntime({ native: { isa: foreign }, threads: 1 });
  try {
    const native = hp.backends().find((b) => b.name === 'native')!;
    assert.equal(native.available, false);
    assert.match(native.reason ?? '', new RegExp(nativeSkip === undefined ? `${foreign} path was asked for` : '.'));
  } finally {
    await hp.close();
  }
  await assert.rejects(createRuntime({ native: { isa: foreign }, require: 'native' }), (e: unknown) => e instanceof HotpathError && e.code === 'BACKEND');
});

test('each usable path starts as the runtime\'s native backend and says which it is', skip, async () => {
  for (const isa of nativePaths) {
    const hp = await createRuntime({ native: { isa }, threads: 2 });
    try {
      const native = hp.backends().find((b) => b.name === 'native')!;
      assert.equal(native.available, true);
      assert.equal(native.simd, isa);
      assert.match(native.note ?? '', new RegExp(`^${isa} \\((asked for|the widest)`));
    } finally {
      await hp.close();
    }
  }
});

test('doctor shows the addon, the CPU features and the paths', () => {
  const r = hotpath('doctor', '--json');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { native: { loaded: boolean; reason?: string; supported?: string[]; cpu?: string } };
  assert.equal(report.native.loaded, nativeSkip === undefined);
  if (report.native.loaded) {
    assert.deepEqual(report.native.supported!.filter((p) => nativePaths.includes(p as never)), [...nativePaths]);
    assert.ok(report.native.cpu!.length > 0);
  } else {
    assert.ok((report.native.reason ?? '').length > 0);
  }
});

test('without a C compiler the build records why, exits 0 in --optional mode, and loading says so', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-native-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/build-native.mjs', '--optional', '--out', dir], { cwd: REPO, encoding: 'utf8', env: { ...process.env, CC: path.join(dir, 'no-such-cc') } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /not built: no C compiler/);
    const loaded = loadAddon(dir);
    assert.ok('reason' in loaded);
    assert.match(loaded.reason, /^not built at install: no C compiler: .*no-such-cc.* install gcc/);
    assert.deepEqual(loadAddon(path.join(dir, 'nothing')), { reason: 'the addon was never built (npm run build:native)' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a compiler error fails npm run build:native and is recorded, but not in --optional mode', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-native-'));
  try {
    // A "compiler" that answers --version and fails every compilation.
    const cc = path.join(dir, 'broken-cc');
    writeFileSync(cc, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "broken-cc 1.0"; exit 0; fi\necho "broken-cc: internal error" >&2\nexit 1\n', { mode: 0o755 });
    const env = { ...process.env, CC: cc };
    const strict = spawnSync(process.execPath, ['scripts/build-native.mjs', '--out', dir], { cwd: REPO, encoding: 'utf8', env });
    assert.equal(strict.status, 1);
    assert.match(strict.stderr, /build failed with broken-cc 1\.0/);
    const optional = spawnSync(process.execPath, ['scripts/build-native.mjs', '--optional', '--out', dir], { cwd: REPO, encoding: 'utf8', env });
    assert.equal(optional.status, 0);
    const loaded = loadAddon(dir);
    assert.ok('reason' in loaded);
    assert.match(loaded.reason, /not built at install: the C compiler failed: .*broken-cc: internal error/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A cross compiler for aarch64 on PATH (CI installs Debian's gcc-aarch64-linux-gnu), else undefined. */
const crossCc = spawnSync('aarch64-linux-gnu-gcc', ['--version']).status === 0 ? 'aarch64-linux-gnu-gcc' : undefined;

test('the NEON path compiles and links for aarch64 (cross compiler; it cannot run on this x86-64 machine)', { skip: process.arch !== 'x64' ? 'only cross-built from x86-64' : crossCc === undefined ? 'no aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu)' : false }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-native-arm64-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/build-native.mjs', '--arch', 'arm64', '--out', dir], { cwd: REPO, encoding: 'utf8', env: { ...process.env, CC: crossCc } });
    assert.equal(r.status, 0, r.stderr);
    const elf = readFileSync(path.join(dir, 'hotpath.node'));
    assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF');
    assert.equal(elf.readUInt16LE(18), 183, 'e_machine EM_AARCH64');
    const status = JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')) as { isas: string[] };
    assert.deepEqual(status.isas, ['neon', 'scalar']);
    assert.equal(r.stderr.includes('warning'), false, `the aarch64 build warns:\n${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the thread pool: every element written once, contiguous aligned shares, thousands of back-to-back calls', skip, () => {
  const a = addon();
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const ctx = a.create(new Uint8Array(memory.buffer), 3, 'scalar');
  const fill = a['fillThreads'] as (...args: unknown[]) => void;
  const out = new Int32Array(memory.buffer, 0, 1000);
  try {
    for (const [n, threads, align] of [[1000, 3, 1], [1000, 3, 16], [10, 3, 16], [7, 2, 1], [0, 3, 1], [1000, 1, 1], [1000, 8, 1]] as const) {
      out.fill(-1);
      fill(ctx, memory.buffer.byteLength, 0, n, threads, align);
      const used = Math.min(threads, 3);
      // Independent expectation: units of `align` split as evenly as possible, earlier threads one more.
      const units = Math.ceil(n / align);
      let at = 0;
      for (let t = 0; t < used; t++) {
        const take = Math.floor(units / used) + (t < units % used ? 1 : 0);
        const end = Math.min(n, (at + take) * align);
        for (let i = at * align; i < end; i++) {
          assert.equal(out[i], t, `n=${n} threads=${threads} align=${align}: element ${i}`);
        }
        at += take;
      }
      assert.ok(out.subarray(n).every((v) => v === -1), 'nothing past n is written');
    }
    // Back-to-back calls (workers spinning, then sleeping, then woken): none lost, none hangs.
    for (let i = 0; i < 20_000; i++) {
      fill(ctx, memory.buffer.byteLength, 0, 64, 3, 1);
    }
    assert.deepEqual([out[0], out[30], out[63]], [0, 1, 2]);
    // Calls far apart: the workers are asleep each time and must be woken.
    for (let i = 0; i < 100; i++) {
      const until = performance.now() + 0.3;
      while (performance.now() < until) {
        // longer than the pool's 50 us spin
      }
      out.fill(-1, 0, 64);
      fill(ctx, memory.buffer.byteLength, 0, 64, 3, 1);
      assert.deepEqual([out[0], out[30], out[63]], [0, 1, 2]);
    }
  } finally {
    a.close(ctx);
  }
});

test('an addon older than its sources is refused with the fix (a stale build would lack newer kernels)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hotpath-native-stale-'));
  try {
    const build = path.join(root, 'build');
    mkdirSync(build);
    mkdirSync(path.join(root, 'src'));
    writeFileSync(path.join(root, 'src', 'kernel.c'), 'int x;\n');
    writeFileSync(path.join(build, 'hotpath.node'), 'not loaded: the check comes first');
    writeFileSync(path.join(build, 'status.json'), JSON.stringify({ built: true, sources: '0'.repeat(64) }));
    assert.deepEqual(loadAddon(build), { reason: 'the addon is older than its sources in native/src (npm run build:native)' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
