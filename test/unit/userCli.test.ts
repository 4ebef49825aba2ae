/**
 * `hotpath build` and `hotpath check` as a user runs them (a child process from the sources;
 * check runs each kernel on a runtime that requires wasm against a ref runtime):
 * build writes artifacts that obtainKernel loads with compiling off; a kernel that does not
 * compile prints its diagnostic at the user's file:line:col and exits 2 with nothing written;
 * check prints PASS per kernel, FAIL (exit 1) for a kernel that float32 lanes cannot compute
 * within its tolerance; a corrupted cache entry is recompiled. All runs share one compile
 * cache, so only the first build and the recompile pay for the compiler.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { obtainKernel } from '../../src/user/obtain.js';
import { CLI_ARGS, type CliRun } from '../helpers.js';
import { manhattan, softClip } from '../kernels/checked.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const root = mkdtempSync(path.join(os.tmpdir(), 'hotpath-cli-'));
const cache = path.join(root, 'cache');
const out = path.join(root, 'out');
after(() => rmSync(root, { recursive: true, force: true }));

/** `hotpath ...args` from the sources; a longer limit than helpers' hotpath(): the first build compiles five kernels. */
function hotpath(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], { cwd: REPO, encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hotpath build and check', () => {
  test('build writes <name>.wasm and <name>.json per kernel; obtainKernel loads them with compiling off', async () => {
    const r = hotpath('build', 'test/kernels/checked.ts', 'test/kernels/cancels.ts', '--out', out, '--cache-dir', cache);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^hotpath build: 5 kernels from 2 files -> /);
    assert.match(r.stdout, /^kernel\s+kind\s+inputs\s+wasm bytes\s+compile ms\s+from\s+file$/m);
    assert.match(r.stdout, /^softClip\s+map\s+2\s+\d+\s+\d+\s+compiled\s+test\/kernels\/checked\.ts$/m);
    assert.match(r.stdout, /^manhattan\s+pairwise\s+2\s+\d+/m);
    assert.match(r.stdout, /^cancels\s+map\s+1\s+\d+/m);
    assert.deepEqual(readdirSync(out).sort(), ['cancels', 'centred', 'manhattan', 'smallest', 'softClip'].flatMap((n) => [`${n}.json`, `${n}.wasm`]));
    const manifest = JSON.parse(readFileSync(path.join(out, 'softClip.json'), 'utf8')) as { source: { file: string; sha256: string }; kind: string; inputs: number; params: string[] };
    const text = readFileSync(path.join(REPO, 'test/kernels/checked.ts'));
    assert.deepEqual(manifest.source, { file: path.relative(out, path.join(REPO, 'test/kernels/checked.ts')), sha256: createHash('sha256').update(text).digest('hex') });
    assert.deepEqual([manifest.kind, manifest.inputs, manifest.params], ['map', 2, ['gain']]);
    for (const k of [softClip, manhattan]) {
      const loaded = await obtainKernel(k, { artifacts: [out], cacheDir: path.join(root, 'no-cache'), compile: 'never' });
      assert.equal(loaded.source, 'artifact');
      assert.deepEqual(loaded.compiled.wasm, new Uint8Array(readFileSync(path.join(out, `${k.name}.wasm`))));
    }
  });

  test('a kernel that does not compile: its diagnostic at file:line:col with the line, a caret and a hint; exit 2; nothing written', () => {
    const target = path.join(root, 'bad-out');
    const r = hotpath('build', 'test/kernels/bad.ts', '--out', target, '--cache-dir', cache);
    assert.equal(r.code, 2, r.stdout);
    // The place of Math.random() in bad.ts, found here by searching the text.
    const text = readFileSync(path.join(REPO, 'test/kernels/bad.ts'), 'utf8');
    const at = text.indexOf('Math.random()', text.indexOf("name: 'usesRandom'"));
    const before = text.slice(0, at).split('\n');
    const place = `test/kernels/bad.ts:${before.length}:${before[before.length - 1]!.length + 1}`;
    const lines = r.stderr.split('\n');
    const first = lines.findIndex((l) => l.startsWith('error [COMPILE] usesRandom: Math.random is not supported'));
    assert.ok(first >= 0, r.stderr);
    assert.ok(lines[first]!.endsWith(place), `${lines[first]} should end with ${place}`);
    assert.equal(lines[first + 1], `  ${text.split('\n')[before.length - 1]}`);
    assert.equal(lines[first + 2], `  ${' '.repeat(before[before.length - 1]!.length)}${'^'.repeat('Math.random()'.length)}`);
    assert.match(lines[first + 3]!, /^; hint: .*input tensor/);
    assert.match(r.stderr, /kernels did not compile; nothing was written/);
    assert.equal(existsSync(target), false);
  });

  test('check prints PASS for each kernel within its tolerance, exit 0', () => {
    const r = hotpath('check', 'test/kernels/checked.ts', '--cache-dir', cache);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const [name, kind] of [['softClip', 'map'], ['smallest', 'reduce'], ['centred', 'rows'], ['manhattan', 'pairwise']]) {
      assert.match(r.stdout, new RegExp(`^${name}\\s+${kind}\\s+\\d+\\s+\\S+\\s+\\S+\\s+PASS\\s`, 'm'));
    }
    // Every tail length and layout ran: the map has 2 inputs, so broadcast is among its cases.
    const json = hotpath('check', 'test/kernels/checked.ts', '--cache-dir', cache, '--json');
    const report = JSON.parse(json.stdout) as { kernels: { kernel: string; cases: number; pass: boolean; worst: { worstUlp: number; allowedUlp: number } }[] };
    const map = report.kernels.find((k) => k.kernel === 'softClip')!;
    assert.equal(map.cases, 3 * (6 + 3 * 4));
    assert.ok(report.kernels.every((k) => k.pass && k.worst.worstUlp <= k.worst.allowedUlp));
  });

  test('check prints FAIL with the worst element for a kernel float32 cannot compute, exit 1', () => {
    const r = hotpath('check', 'test/kernels/cancels.ts', '--cache-dir', cache);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^cancels\s+map\s+\d+\s+\d+\s+8\.00\s+FAIL\s/m);
    // (x + 1e8) - 1e8 in float32: x + 1e8 rounds to a multiple of 8, so x is lost.
    assert.match(r.stdout, /^FAIL cancels: \d+ of \d+ cases over the tolerance$/m);
    assert.match(r.stdout, /^ {2}\[1\] row, values: \d+ ulp \(allowed 8\.00\) at element 0 \(0,0\) of \(/m);
  });

  test('a corrupted cache entry is recompiled; the others load from the cache', () => {
    const entry = readdirSync(cache).find((n) => n.startsWith('softClip-') && n.endsWith('.wasm'))!;
    writeFileSync(path.join(cache, entry), readFileSync(path.join(cache, entry)).subarray(0, 20));
    const r = hotpath('build', 'test/kernels/checked.ts', '--out', path.join(root, 'out2'), '--cache-dir', cache);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^softClip\s+map\s+2\s+\d+\s+\d+\s+compiled\s/m);
    assert.match(r.stdout, /^smallest\s+reduce\s+2\s+\d+\s+\d+\s+cache\s/m);
    assert.deepEqual(readFileSync(path.join(root, 'out2', 'softClip.wasm')), readFileSync(path.join(out, 'softClip.wasm')));
  });

  test('files that cannot be used are clean errors', () => {
    const missing = hotpath('check', 'test/kernels/nope.ts');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error \[IO\] hotpath: cannot find 'test\/kernels\/nope\.ts'/);
    const none = hotpath('build', 'src/errors.ts', '--out', path.join(root, 'none'));
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^error \[ARGUMENT\] hotpath: 'src\/errors\.ts' exports no kernel/);
  });
});
