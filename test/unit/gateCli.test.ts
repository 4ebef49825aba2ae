/**
 * `hotpath bench --save / --compare`, run as child processes on a tiny .npy written here byte by
 * byte (numpy's format spec, independent of hotpath's reader): the saved history (kernel,
 * attributes, the file's sha256 computed here, shapes, per-round times), appending, the verdict
 * matching the exit code, decisions against synthetic bases a million times faster or slower,
 * and every refusal as a coded error. No assertion on how long anything took.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { assertCleanError, hotpath } from '../helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-gate-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A version 1.0 .npy of float32 values, C order: magic, header length, the dict padded to 64 bytes, data. */
function npyBytes(values: readonly number[], shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + dict.length);
  head.set([0x93, ...Buffer.from('NUMPY'), 1, 0, dict.length & 0xff, dict.length >> 8]);
  head.set(Buffer.from(dict, 'latin1'), 10);
  const data = new Uint8Array(values.length * 4);
  const view = new DataView(data.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return new Uint8Array([...head, ...data]);
}

function writeNpy(name: string, values: readonly number[], shape: readonly number[]): string {
  const file = path.join(tmp, name);
  writeFileSync(file, npyBytes(values, shape));
  return file;
}

const N = 48;
const D = 4;
const POINTS = writeNpy('points.npy', Array.from({ length: N * D }, (_, i) => Math.sin(i) * 3), [N, D]);
const OTHER_BYTES = writeNpy('other.npy', Array.from({ length: N * D }, (_, i) => Math.cos(i) * 3), [N, D]);
const OTHER_SHAPE = writeNpy('short.npy', Array.from({ length: 8 * D }, (_, i) => i), [8, D]);
const FAST = ['--rounds', '4', '--max-rounds', '4', '--warmup', '1', '--warmup-seconds', '0', '--min-seconds', '0', '--resamples', '200'];

interface Saved {
  format: string;
  version: number;
  runs: { date: string; kernel: string; attrs: Record<string, unknown>; data: { file: string; sha256: string; arrays: { shape: number[]; dtype: string }[] }[]; machine: { cores: number; node: string; threads: number; backend: string }; probe: { kind: string; threads: number; iterationsPerThread: number }; warmup: number; kernelMs: number[]; probeMs: number[] }[];
}

function bench(...args: string[]): ReturnType<typeof hotpath> {
  return hotpath('bench', '--kernel', 'pairwiseDistances', '--data', POINTS, '--data', POINTS, '--attr', 'metric=euclidean', ...FAST, ...args);
}

test('bench --save writes a history run; a second --save --compare appends and its verdict matches the exit code', () => {
  const history = path.join(tmp, 'history.json');
  const first = bench('--save', history);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^bench pairwiseDistances \{"metric":"euclidean"\} on /);
  assert.match(first.stdout, /saved {10}run 1 of /);
  const saved = JSON.parse(readFileSync(history, 'utf8')) as Saved;
  assert.equal(saved.format, 'hotpath-bench');
  assert.equal(saved.version, 1);
  assert.equal(saved.runs.length, 1);
  const run = saved.runs[0]!;
  assert.equal(run.kernel, 'pairwiseDistances');
  assert.deepEqual(run.attrs, { metric: 'euclidean' });
  assert.equal(run.data.length, 2);
  assert.equal(run.data[0]!.sha256, createHash('sha256').update(readFileSync(POINTS)).digest('hex'));
  assert.deepEqual(run.data[0]!.arrays.map((a) => [a.dtype, a.shape]), [['float32', [N, D]]]);
  assert.equal(run.kernelMs.length, 4);
  assert.equal(run.probeMs.length, 4);
  assert.ok([...run.kernelMs, ...run.probeMs].every((t) => Number.isFinite(t) && t > 0));
  assert.equal(run.warmup, 1);
  assert.equal(run.machine.cores, os.availableParallelism());
  assert.equal(run.machine.node, process.version);
  assert.equal(run.probe.threads, run.machine.threads);
  assert.ok(!Number.isNaN(Date.parse(run.date)));

  const second = bench('--compare', history, '--save', history, '--json');
  assert.ok(second.code === 0 || second.code === 1, second.stderr);
  const summary = JSON.parse(second.stdout) as { compare: { verdict: string; low: number; high: number; ratio: number }; saved: { runs: number } };
  assert.equal(summary.compare.verdict === 'slower', second.code === 1);
  assert.ok(summary.compare.low <= summary.compare.ratio && summary.compare.ratio <= summary.compare.high);
  assert.equal(summary.saved.runs, 2);
  const both = JSON.parse(readFileSync(history, 'utf8')) as Saved;
  assert.equal(both.runs.length, 2);
  // The compare reran the base's probe, so the history's runs stay comparable.
  assert.equal(both.runs[1]!.probe.iterationsPerThread, run.probe.iterationsPerThread);
});

/** A base made from a real saved run, its kernel times scaled by `factor`. */
function scaledBase(name: string, factor: number): string {
  const history = path.join(tmp, `${name}.json`);
  const r = bench('--save', history);
  assert.equal(r.code, 0, r.stderr);
  const saved = JSON.parse(readFileSync(history, 'utf8')) as Saved;
  saved.runs[0]!.kernelMs = saved.runs[0]!.kernelMs.map((t) => t * factor);
  writeFileSync(history, JSON.stringify(saved));
  return history;
}

test('bench --compare: exit 1 against a base a million times faster, exit 0 "significantly faster" against one a million times slower', () => {
  const slowBase = scaledBase('slow-base', 1e6);
  const faster = bench('--compare', slowBase);
  assert.equal(faster.code, 0, faster.stderr);
  assert.match(faster.stdout, /verdict {8}significantly faster\n/);

  const fastBase = scaledBase('fast-base', 1e-6);
  const slower = bench('--compare', fastBase);
  assert.equal(slower.code, 1, slower.stderr);
  assert.match(slower.stdout, /verdict {8}significantly slower \(more than 10% slower\): FAIL\n/);
});

test('bench: mismatched bases are ARGUMENT errors naming the difference', () => {
  const base = path.join(tmp, 'mismatch-base.json');
  assert.equal(bench('--save', base).code, 0);
  assertCleanError(hotpath('bench', '--kernel', 'matmul', '--data', POINTS, '--data', POINTS, ...FAST, '--compare', base), 'ARGUMENT', 'measured a different kernel');
  assertCleanError(hotpath('bench', '--kernel', 'pairwiseDistances', '--data', POINTS, '--data', POINTS, '--attr', 'metric=cosine', ...FAST, '--compare', base), 'ARGUMENT', 'different set of attributes');
  assertCleanError(hotpath('bench', '--kernel', 'pairwiseDistances', '--data', POINTS, '--data', OTHER_BYTES, '--attr', 'metric=euclidean', ...FAST, '--compare', base), 'ARGUMENT', 'sha256');
  assertCleanError(hotpath('bench', '--kernel', 'pairwiseDistances', '--data', POINTS, '--data', OTHER_SHAPE, '--attr', 'metric=euclidean', ...FAST, '--compare', base), 'ARGUMENT', 'different data shape');
  // --save onto a history of something else is refused too, and leaves the file as it was.
  const before = readFileSync(base, 'utf8');
  assertCleanError(hotpath('bench', '--kernel', 'relu', '--data', POINTS, ...FAST, '--save', base), 'ARGUMENT', 'measured a different kernel');
  assert.equal(readFileSync(base, 'utf8'), before);
});

test('bench: truncated, hostile or foreign history files are FORMAT errors; a missing one is IO', () => {
  const base = path.join(tmp, 'format-base.json');
  assert.equal(bench('--save', base).code, 0);
  const text = readFileSync(base, 'utf8');
  const valid = JSON.parse(text) as Saved;
  const cases: [string, string, string][] = [
    ['truncated.json', text.slice(0, Math.floor(text.length / 2)), 'not valid JSON'],
    ['foreign.json', JSON.stringify({ hello: 'world' }), 'bad format/version'],
    ['empty-runs.json', JSON.stringify({ ...valid, runs: [] }), 'bad runs'],
    ['string-times.json', JSON.stringify({ ...valid, runs: [{ ...valid.runs[0], kernelMs: ['1', '2', '3', '4'] }] }), 'bad runs[0].kernelMs'],
    ['negative-times.json', JSON.stringify({ ...valid, runs: [{ ...valid.runs[0], probeMs: [1, -2, 3, 4] }] }), 'bad runs[0].probeMs'],
    ['unpaired.json', JSON.stringify({ ...valid, runs: [{ ...valid.runs[0], probeMs: [1, 2, 3] }] }), 'one per round'],
    ['bad-hash.json', JSON.stringify({ ...valid, runs: [{ ...valid.runs[0], data: [{ ...valid.runs[0]!.data[0], sha256: 'x' }] }] }), 'sha256'],
    ['deep-attrs.json', JSON.stringify({ ...valid, runs: [{ ...valid.runs[0], attrs: { a: [[[[[[[[[[1]]]]]]]]]] } }] }), 'bad runs[0].attrs.a'],
    ['proto.json', text.replace('"kernel"', '"__proto__": {"kernel": "x"}, "kernel0"'), 'bad runs[0].kernel'],
  ];
  for (const [name, content, fragment] of cases) {
    const file = path.join(tmp, name);
    writeFileSync(file, content);
    assertCleanError(bench('--compare', file), 'FORMAT', fragment);
  }
  assertCleanError(bench('--compare', path.join(tmp, 'absent.json')), 'IO', 'absent.json');
});

test('bench: unknown kernel, missing data, bad attributes and options are coded errors', () => {
  assertCleanError(hotpath('bench', '--kernel', 'fastFourier', '--data', POINTS), 'ARGUMENT', "unknown kernel 'fastFourier'");
  assertCleanError(hotpath('bench', '--kernel', 'relu', '--data', path.join(tmp, 'nowhere.npy')), 'IO', 'nowhere.npy');
  assertCleanError(hotpath('bench', '--kernel', 'relu', '--data', POINTS, '--attr', 'noequals'), 'ARGUMENT', 'invalid --attr');
  assertCleanError(hotpath('bench', '--kernel', 'relu', '--data', POINTS, '--attr', 'a=1', '--attr', 'a=2'), 'ARGUMENT', "attribute 'a' given twice");
  assertCleanError(hotpath('bench', '--kernel', 'pairwiseDistances', '--data', POINTS, '--data', POINTS, '--attr', 'metric=chebyshev'), 'ARGUMENT', 'unknown metric');
  assertCleanError(hotpath('bench', '--kernel', 'relu', '--data', POINTS, '--threshold', 'ten'), 'ARGUMENT', 'invalid --threshold');
  assertCleanError(hotpath('bench', '--kernel', 'relu', '--data', POINTS, '--rounds', '2'), 'ARGUMENT', 'invalid rounds');
  assertCleanError(hotpath('bench', '--kernel', 'kmeans', '--data', POINTS), 'ARGUMENT', 'invalid k');
  const notNpy = path.join(tmp, 'not.npy');
  writeFileSync(notNpy, 'hello');
  assertCleanError(hotpath('bench', '--kernel', 'relu', '--data', notNpy), 'FORMAT');
});

test('bench --kernel kmeans --k: measured through hp.kmeans, the k saved as an attribute', () => {
  const history = path.join(tmp, 'kmeans.json');
  const r = hotpath('bench', '--kernel', 'kmeans', '--data', POINTS, '--k', '3', '--attr', 'maxIter=5', ...FAST, '--save', history);
  assert.equal(r.code, 0, r.stderr);
  const saved = JSON.parse(readFileSync(history, 'utf8')) as Saved;
  assert.deepEqual(saved.runs[0]!.attrs, { k: 3, maxIter: 5 });
});

test('bench --kernels FILE --kernel NAME: a user kernel is gated like a built-in; unknown names list the file\'s kernels', () => {
  const huber = path.resolve('examples/huber.ts');
  const target = writeNpy('target.npy', Array.from({ length: N * D }, (_, i) => Math.cos(i)), [N * D]);
  const pred = writeNpy('pred.npy', Array.from({ length: N * D }, (_, i) => Math.sin(i)), [N * D]);
  const history = path.join(tmp, 'huber.json');
  const r = hotpath('bench', '--kernels', huber, '--kernel', 'huber', '--data', pred, '--data', target, '--attr', 'delta=0.5', ...FAST, '--save', history);
  assert.equal(r.code, 0, r.stderr);
  const run = (JSON.parse(readFileSync(history, 'utf8')) as Saved).runs[0]!;
  assert.equal(run.kernel, 'huber');
  assert.deepEqual(run.attrs, { delta: 0.5 });
  assert.equal(run.kernelMs.length, 4);
  assertCleanError(hotpath('bench', '--kernels', huber, '--kernel', 'hubr', '--data', pred), 'ARGUMENT', 'a kernel of --kernels: huber');
  assertCleanError(hotpath('bench', '--kernels', path.join(tmp, 'missing.ts'), '--kernel', 'huber', '--data', pred), 'IO', 'missing.ts');
});
