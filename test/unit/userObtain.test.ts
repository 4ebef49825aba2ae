/**
 * obtainKernel: artifacts, then the disk cache, then the compiler in a worker. Cache entries
 * are checked, never trusted: truncated, garbled, replaced or hostile files are recompiled and
 * rewritten; a cached load imports neither typescript nor assemblyscript (checked in a child
 * process whose module loader refuses them).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HotpathError } from '../../src/errors.js';
import type { CompiledKernel } from '../../src/user/abi.js';
import { manifestOf, writeEntry } from '../../src/user/artifact.js';
import { createWorkerCompiler, type KernelCompiler } from '../../src/user/compiler.js';
import { obtainKernel, type ObtainOptions } from '../../src/user/obtain.js';
import { largest } from '../kernels/basic.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KERNEL_FILE = path.join(REPO, 'test/kernels/basic.ts');
const root = mkdtempSync(path.join(os.tmpdir(), 'hotpath-obtain-'));
const cacheDir = path.join(root, 'cache');

/** One worker for the whole file, counting the compiles that reach it. */
const worker = createWorkerCompiler();
const counting = { calls: 0 } as KernelCompiler & { calls: number };
counting.compile = (k) => {
  counting.calls++;
  return worker.compile(k);
};
counting.close = () => worker.close();
after(async () => {
  await worker.close();
  rmSync(root, { recursive: true, force: true });
});

const options = (more: ObtainOptions = {}): ObtainOptions => ({ cacheDir, artifacts: [], compiler: counting, ...more });

async function rejection(p: Promise<unknown>): Promise<HotpathError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof HotpathError, String(error));
    return error;
  }
  return assert.fail('resolved');
}

/** The entry's two files in the cache folder. */
function entry(): { json: string; wasm: string } {
  const names = readdirSync(cacheDir).filter((n) => n.startsWith('largest-') && n.endsWith('.json'));
  assert.equal(names.length, 1, names.join(', '));
  const json = path.join(cacheDir, names[0]!);
  return { json, wasm: json.replace(/\.json$/, '.wasm') };
}

/** A valid module that imports a function env.f (bytes written by hand from the binary format). */
const IMPORTING = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 9, 1, 3, 0x65, 0x6e, 0x76, 1, 0x66, 0, 0]);

describe('obtainKernel', () => {
  let first: CompiledKernel;

  test('compiles in a worker on first use, then loads the same module from the cache', async () => {
    const cold = await obtainKernel(largest, options());
    assert.equal(cold.source, 'compiled');
    assert.equal(counting.calls, 1);
    assert.ok(WebAssembly.validate(cold.compiled.wasm));
    assert.deepEqual([cold.compiled.name, cold.compiled.kind, cold.compiled.inputs], ['largest', 'reduce', 1]);
    first = cold.compiled;
    const cached = await obtainKernel(largest, options());
    assert.equal(cached.source, 'cache');
    assert.equal(counting.calls, 1, 'no second compile');
    assert.deepEqual(cached.compiled, first);
    assert.deepEqual(cached.notes, []);
  });

  test('the compiled module computes the reduction (run by hand on a shared memory)', () => {
    const memory = new WebAssembly.Memory({ initial: 17, maximum: 65536, shared: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(first.wasm), { env: { memory } });
    const x = [1, -7, 3, 2, 5];
    new Float32Array(memory.buffer, 4096, 5).set(x);
    // The desc block: no params, then the compiled constants (int32 bit patterns).
    new Int32Array(memory.buffer, 1024, first.constants.length).set(first.constants);
    const args: Record<string, number> = { desc: 1024, p0: 4096, s0_0: 0, s0_1: 0, s0_2: 0, s0_3: 1, partials: 8192, d1: 1, d2: 1, d3: 5, chunkRows: 1, rowStart: 0, rowEnd: 1 };
    const run = instance.exports['run'] as (...a: number[]) => void;
    run(...first.exports[0]!.params.map((p) => args[p.name]!));
    // max(|x| - 1) over the elements: |-7| - 1.
    assert.equal(new Float64Array(memory.buffer, 8192, 1)[0], 6);
  });

  const corruptions: [string, () => void][] = [
    ['a truncated module', () => writeFileSync(entry().wasm, readFileSync(entry().wasm).subarray(0, 40))],
    ['a manifest that is not JSON', () => writeFileSync(entry().json, '{"format": "hotpath-kernel", ')],
    ['a manifest of another shape', () => writeFileSync(entry().json, JSON.stringify([1, 2, 3]))],
    ['exports that differ from the calling convention', () => edit((m) => ({ ...m, exports: [{ name: 'run', params: [] }] }))],
    ['another key', () => edit((m) => ({ ...m, key: 'f'.repeat(40) }))],
    ['a module importing a function, with a matching sha256', () => {
      writeFileSync(entry().wasm, IMPORTING);
      edit((m) => ({ ...m, wasm: { file: path.basename(entry().wasm), bytes: IMPORTING.length, sha256: createHash('sha256').update(IMPORTING).digest('hex') } }));
    }],
    ['a folder where the module was', () => {
      rmSync(entry().wasm);
      mkdirSync(entry().wasm);
    }],
  ];
  for (const [what, corrupt] of corruptions) {
    test(`a cache entry with ${what} is recompiled and rewritten`, async () => {
      corrupt();
      const before = counting.calls;
      const again = await obtainKernel(largest, options());
      assert.equal(again.source, 'compiled');
      assert.equal(counting.calls, before + 1);
      assert.match(again.notes.join('\n'), /^cache: (ignored and rewritten|not written)/m);
      if (what.startsWith('a folder')) {
        // The folder cannot be replaced by a file: the compile is used, the entry is not written.
        rmSync(entry().wasm, { recursive: true });
        await obtainKernel(largest, options());
      }
      const next = await obtainKernel(largest, options());
      assert.equal(next.source, 'cache', next.notes.join('\n'));
      assert.deepEqual(next.compiled.wasm, first.wasm);
    });
  }

  test("compile: 'never' without an artifact or a cache entry says to run hotpath build", async () => {
    const before = counting.calls;
    const error = await rejection(obtainKernel(largest, options({ cacheDir: path.join(root, 'empty'), compile: 'never' })));
    assert.equal(error.code, 'COMPILE');
    assert.match(error.message, /hint: run `hotpath build .*basic\.ts`/);
    assert.equal(counting.calls, before);
  });

  test('artifacts come first; a stale one is skipped and said; a corrupt one is a FORMAT error', async () => {
    const dir = path.join(root, 'artifacts');
    const text = readFileSync(KERNEL_FILE);
    const source = { file: path.relative(dir, KERNEL_FILE), sha256: createHash('sha256').update(text).digest('hex') };
    const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    writeEntry(path.join(dir, 'largest'), first, manifestOf(first, largest, path.join(dir, 'largest'), version, source));
    const never = options({ cacheDir: path.join(root, 'empty'), artifacts: [dir], compile: 'never' });
    const hit = await obtainKernel(largest, never);
    assert.equal(hit.source, 'artifact');
    assert.deepEqual(hit.compiled, first);

    writeEntry(path.join(dir, 'largest'), first, manifestOf(first, largest, path.join(dir, 'largest'), version, { ...source, sha256: '0'.repeat(64) }));
    const stale = await rejection(obtainKernel(largest, never));
    assert.match(stale.message, /stale, .*basic\.ts changed after `hotpath build`/);
    const fallsThrough = await obtainKernel(largest, options({ artifacts: [dir] }));
    assert.equal(fallsThrough.source, 'cache');
    assert.match(fallsThrough.notes.join('\n'), /stale/);

    writeFileSync(path.join(dir, 'largest.wasm'), 'not a module');
    const corrupt = await rejection(obtainKernel(largest, options({ artifacts: [dir] })));
    assert.equal(corrupt.code, 'FORMAT');
    assert.match(corrupt.message, /largest\.wasm: .*truncated or replaced/);
  });

  test('a cached load imports neither typescript nor assemblyscript', () => {
    const hooks = path.join(root, 'refuse.mjs');
    writeFileSync(hooks, "export async function resolve(s, c, next) { if (/^(typescript|assemblyscript)(\\/|$)/.test(s)) throw new Error('refused import of ' + s); return next(s, c); }\n");
    const register = path.join(root, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);
    const script = [
      `const { obtainKernel } = await import(${JSON.stringify(path.join(REPO, 'src/user/obtain.ts'))});`,
      `const { largest } = await import(${JSON.stringify(KERNEL_FILE)});`,
      `const r = await obtainKernel(largest, { cacheDir: ${JSON.stringify(cacheDir)}, artifacts: [], compile: 'never' });`,
      `let refused = 'none'; try { await import('typescript'); } catch (e) { refused = e.message; }`,
      'console.log(r.source, refused);',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', register, '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    // The second word shows the refusal works, so the first shows the load needed neither.
    assert.equal(r.stdout.trim(), 'cache refused import of typescript');
  });

  test('bad options and values that are not kernels are ARGUMENT errors', async () => {
    assert.equal((await rejection(obtainKernel(largest, { compile: 'sometimes' } as unknown as ObtainOptions))).code, 'ARGUMENT');
    assert.equal((await rejection(obtainKernel(largest, { cache: 'x' } as unknown as ObtainOptions))).code, 'ARGUMENT');
    assert.equal((await rejection(obtainKernel({ name: 'x' } as never, options()))).code, 'ARGUMENT');
  });
});

/** Rewrites the entry's manifest through `change`. */
function edit(change: (m: Record<string, unknown>) => Record<string, unknown>): void {
  const { json } = entry();
  writeFileSync(json, JSON.stringify(change(JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>)));
}
