/**
 * The `hotpath` command line, run as a child process the way users run it: exit codes, the
 * line formats of `conformance`, JSON that parses, and clear errors without stack traces.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import onnxProto from 'onnx-proto';

import { assertCleanError, hotpath } from '../helpers.js';
import { ONNX_NODE } from '../fixtures.js';

const { onnx } = onnxProto;

const FIXTURES = ONNX_NODE;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));



/** A temp folder holding copies of the named fixture folders. */
function fixtureDir(...names: string[]): string {
  const dir = mkdtempSync(path.join(tmp, 'cases-'));
  for (const name of names) {
    cpSync(path.join(FIXTURES, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}


test('doctor --json parses and lists ref as available', () => {
  const r = hotpath('doctor', '--json');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { node: string; cpus: number; backends: { name: string; available: boolean }[] };
  assert.equal(report.node, process.version);
  assert.ok(report.cpus >= 1);
  assert.ok(report.backends.some((b) => b.name === 'ref' && b.available));
});

test('doctor shows the Node and V8 versions and which SIMD build it chose and why (text and --json)', () => {
  const r = hotpath('doctor', '--json');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { node: string; v8: string; simd?: { build: string; reason: string } };
  assert.equal(report.node, process.version);
  assert.equal(report.v8, process.versions.v8);
  // Facts about V8: relaxed SIMD is on by default from V8 11.4 (Node 22 ships 12.4, Node 24 13.6);
  // Node 20's V8 11.3 validates it only behind --experimental-wasm-relaxed-simd.
  const major = Number(process.versions.node.split('.')[0]);
  assert.equal(report.simd?.build, 'relaxed-simd');
  assert.match(report.simd.reason, major >= 22 ? /by default/ : /only behind --experimental-wasm-relaxed-simd/);
  assert.ok(report.simd.reason.includes(process.version), report.simd.reason);

  const text = hotpath('doctor');
  assert.equal(text.code, 0, text.stderr);
  assert.ok(text.stdout.includes(`node ${process.version} (V8 ${process.versions.v8})`), text.stdout);
  assert.ok(text.stdout.includes(`wasm SIMD: relaxed-simd (${report.simd.reason})`), text.stdout);
});

test('conformance on two fixtures passes with one line each and the summary line', () => {
  const dir = fixtureDir('test_add', 'test_relu');
  const r = hotpath('conformance', dir, '--backend', 'ref');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines, ['PASS test_add (add, ref)', 'PASS test_relu (relu, ref)', '2 passed, 0 failed, 0 declined']);

  const json = hotpath('conformance', dir, '--backend', 'ref', '--json');
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { summary: { passed: number }; results: { name: string; status: string }[] };
  assert.equal(parsed.summary.passed, 2);
  assert.deepEqual(parsed.results.map((x) => [x.name, x.status]), [['test_add', 'pass'], ['test_relu', 'pass']]);
});

test('conformance: a wrong expected value is a FAIL line naming the worst element, exit 1', () => {
  const dir = fixtureDir('test_add');
  const file = path.join(dir, 'test_add/test_data_set_0/output_0.pb');
  const t = onnx.TensorProto.decode(readFileSync(file));
  // rawData is a Buffer: slice() would be a view into the pool, so copy it.
  const values = new Float32Array(Uint8Array.from(t.rawData).buffer);
  values[7] = values[7]! + 1;
  t.rawData = new Uint8Array(values.buffer);
  writeFileSync(file, onnx.TensorProto.encode(t).finish());
  const r = hotpath('conformance', dir, '--backend', 'ref');
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^FAIL test_add \(add, ref\): output 0 \('sum'\) worst at flat index 7: /m);
  assert.match(r.stdout, /^0 passed, 1 failed, 0 declined$/m);
});

test('conformance: missing dir, empty dir and unknown backend exit 2 with one error line', () => {
  assertCleanError(hotpath('conformance', path.join(tmp, 'no-such-dir')), 'ARGUMENT');
  assertCleanError(hotpath('conformance', mkdtempSync(path.join(tmp, 'empty-'))), 'FORMAT');
  assertCleanError(hotpath('conformance', fixtureDir('test_relu'), '--backend', 'no-such-backend'), 'ARGUMENT');
});

test('unknown command and missing argument exit non-zero', () => {
  const r = hotpath('no-such-command');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown command/);
  assert.notEqual(hotpath('conformance').code, 0);
});

test('demo runs every step on ref and on the fastest backend, and the answers agree', () => {
  const r = hotpath('demo', '--json');
  assert.equal(r.code, 0, r.stderr);
  const parsed = JSON.parse(r.stdout) as {
    steps: { kernel: string; fastBackend: string; agree: boolean; ratio: number }[];
    stats: { kernels: Record<string, { backends: Record<string, number> }> };
    user: { rows: { example: string; agree: boolean; ratio: number }[]; skipped?: string };
  };
  assert.ok(parsed.steps.length > 0);
  // The user-kernel part: every example, compiled, agrees with its plain function.
  assert.equal(parsed.user.skipped, undefined);
  assert.deepEqual(parsed.user.rows.map((r) => r.example), ['huber (reduce)', 'haversine (map)', 'zScore (rows)', 'manhattan (pairwise)', 'bfloat16 (map, explicit f32x4)']);
  for (const row of parsed.user.rows) {
    assert.ok(row.agree && row.ratio <= 1, `${row.example} disagrees (ratio ${row.ratio})`);
  }
  for (const kernel of ['huber', 'haversine', 'zScore', 'manhattan']) {
    assert.ok((parsed.stats.kernels[kernel]?.backends['wasm'] ?? 0) > 0, `${kernel} ran on ${JSON.stringify(parsed.stats.kernels[kernel])}`);
  }
  for (const step of parsed.steps) {
    assert.ok(step.agree && step.ratio <= 1, `${step.kernel} disagrees (ratio ${step.ratio})`);
    const ran = parsed.stats.kernels[step.kernel]!.backends;
    assert.ok((ran['ref'] ?? 0) > 0 && (ran[step.fastBackend] ?? 0) > 0, `${step.kernel} ran on ${JSON.stringify(ran)}`);
  }
});
