/**
 * A clean install prints no warning of ours: npm reads no unknown project config (an unknown
 * key in .npmrc warns on every npm command), dependency install scripts are decided in
 * package.json's allowScripts (npm lists undecided ones after every install), and the
 * AssemblyScript build compiles without warnings.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('npm commands print no config warning', () => {
  const r = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '"hotpath"');
  assert.equal(r.stderr, '', 'npm warns about our configuration');
});

test('every dependency with an install script is decided in allowScripts', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  // onnxruntime-node's script would fetch CUDA providers from NuGet on linux/x64 (a bench peer
  // needs only the CPU build it ships with); the others are not needed either.
  assert.equal(pkg.allowScripts?.['onnxruntime-node'], false);
  const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
  const withScripts = Object.entries(lock.packages)
    .filter(([, p]) => p.hasInstallScript === true)
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
  const undecided = [...new Set(withScripts)].filter((name) => pkg.allowScripts?.[name] === undefined);
  assert.deepEqual(undecided, [], 'add them to allowScripts in package.json (true or false)');
});

test('the AssemblyScript build compiles without warnings', () => {
  const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: REPO, encoding: 'utf8', timeout: 110_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /WARNING|ERROR/);
});
