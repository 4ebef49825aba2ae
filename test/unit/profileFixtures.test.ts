/**
 * `hotpath profile` end to end, on fixture programs whose answer is known by construction
 * (test/fixtures/profile/*.mjs): a compute-bound loop, an I/O-bound program, a hot spot in
 * hotpath kernels on workers, and a mix. Runs the built CLI (dist/, as users do; npm ci builds
 * it): under tsx the child would also load tsx, whose start-up CPU blurs the shares. Only the
 * verdicts the fixtures are built for are asserted (their margins: >= 75% vs <= 20%, where the
 * rule's thresholds are 50%), no timings.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import type { ProfileReport } from '../../src/profile/report.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-profile-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function profile(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(CLI), 'dist/ is not built: run npm run build');
  const r = spawnSync(process.execPath, [CLI, 'profile', ...args], { cwd: REPO, encoding: 'utf8', timeout: 100_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function profileJson(fixture: string): ProfileReport {
  const r = profile('--json', '--', 'node', `test/fixtures/profile/${fixture}`);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ProfileReport;
}

test('compute-bound loop: huberLoss holds most of the CPU and is worth porting', () => {
  const r = profileJson('compute.mjs');
  assert.equal(r.verdict.bound, 'compute', r.verdict.text);
  const top = r.verdict.candidates[0]!;
  assert.equal(top.name, 'huberLoss');
  assert.equal(top.location, 'test/fixtures/profile/compute.mjs:18');
  assert.equal(top.worthPorting, true, top.text);
  assert.match(r.verdict.text, /^compute-bound .*port `huberLoss`/);
  assert.match(top.text, /worth porting; at 20x it makes the whole run at most \d+\.\dx faster \(Amdahl\)$/);
  assert.equal(r.kernels.length, 0);
  assert.equal(r.verdict.alreadyPorted, null);
});

test('I/O-bound program (HTTP, fs, timers): waits on I/O, porting will not help', () => {
  const r = profileJson('io.mjs');
  assert.equal(r.verdict.bound, 'io', r.verdict.text);
  assert.match(r.verdict.text, /^CPU is busy \d+% of wall time: the program waits on I\/O, porting will not help$/);
  assert.ok(r.verdict.candidates.every((c) => !c.worthPorting));
  assert.ok(r.busyShare < 0.5);
});

test('hot spot in hotpath kernels on workers: already ported, nothing worth porting', () => {
  const r = profileJson('kernels.mjs');
  assert.equal(r.verdict.bound, 'compute', r.verdict.text);
  assert.ok(r.verdict.candidates.every((c) => !c.worthPorting), r.verdict.text);
  assert.match(r.verdict.text, /already runs in hotpath/);
  assert.match(r.verdict.alreadyPorted ?? '', /matmul on wasm/);
  // The pool's worker was profiled too, and its CPU counted as hotpath's.
  assert.ok(r.threads.some((t) => t.kind === 'hotpath-pool' && t.cpuMs > 0), JSON.stringify(r.threads));
  const matmul = r.kernels.find((k) => k.kernel === 'matmul' && k.backend === 'wasm');
  assert.equal(matmul?.calls, 300);
  assert.equal(matmul?.fallbacks, 0);
  assert.ok(r.hotpathShare > 0.5);
});

test('mix (HTTP batches, a JS loop, a kernel): featurize worth porting, the kernel already ported', () => {
  const r = profileJson('mix.mjs');
  assert.equal(r.verdict.bound, 'compute', r.verdict.text);
  const best = r.verdict.candidates.find((c) => c.worthPorting);
  assert.equal(best?.name, 'featurize', r.verdict.text);
  assert.equal(best?.location, 'test/fixtures/profile/mix.mjs:37');
  assert.match(r.verdict.alreadyPorted ?? '', /pairwiseDistances on wasm\): already ported$/);
  assert.equal(r.kernels.find((k) => k.kernel === 'pairwiseDistances')?.calls, 16);
});

test('a TypeScript program runs through tsx; text summary, --html and the program output', () => {
  const html = path.join(tmp, 'report.html');
  const r = profile('--html', html, '--', 'node', 'test/fixtures/profile/compute.ts', '300');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^dot \d+\.\d{3}$/m, 'the program ran and printed');
  assert.match(r.stdout, /^top functions by self CPU time/m);
  // At its line in the .ts file (tsx's output is one line; the source map brings it back).
  assert.match(r.stdout, /^ +\S+ ms +\d+% .* dot +test\/fixtures\/profile\/compute\.ts:6$/m);
  assert.match(r.stdout, /^verdict: /m);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!DOCTYPE html>/);
  assert.ok(page.includes('Flame chart') && page.includes('dot'));
  assert.doesNotMatch(page, /<script src=|<link /, 'self-contained');
});

test('a program that fails: the summary is still printed, exit code 1', () => {
  const script = path.join(tmp, 'fails.mjs');
  writeFileSync(script, 'let s = 0; for (let i = 0; i < 1e6; i += 1) s += i; process.exit(3);\n');
  const r = profile('--', 'node', script);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /\(exit 3, node v\d+/);
  assert.match(r.stdout, /^verdict: /m);
});

test('bad commands are ARGUMENT errors (exit 2)', () => {
  const r = profile('--', 'node', '-e', 'x');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error \[ARGUMENT\] profile: node -e/);
  const bad = profile('--', 'python3', 'x.py');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error \[ARGUMENT\] profile: not a node command/);
  const none = profile();
  assert.equal(none.code, 2);
  const interval = profile('--interval', '10', '--', 'node', 'app.js');
  assert.equal(interval.code, 2);
  assert.match(interval.stderr, /^error \[ARGUMENT\] profile: invalid --interval/);
});
