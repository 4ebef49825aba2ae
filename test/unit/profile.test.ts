/**
 * The parts of `hotpath profile` that need no child process: the porting rule and Amdahl's
 * bound, the union of busy intervals, the analysis of hand-built CPU profiles (self and total
 * time, idle, GC, hotpath's pool waits), the flame chart's spans, and the command parser.
 * Expected values are worked out by hand in the comments.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { isHotpathError } from '../../src/errors.js';
import { analyze, unionWithin } from '../../src/profile/analyze.js';
import type { CpuProfile, ProfileNode } from '../../src/profile/cpuprofile.js';
import { flameLanes } from '../../src/profile/flame.js';
import { parseCommand } from '../../src/profile/launch.js';
import type { ProfileFunction } from '../../src/profile/report.js';
import { amdahl, verdictOf } from '../../src/profile/verdict.js';

const ROOT = path.join(path.sep, 'opt', 'hotpath');
const APP = 'file:///app/app.js';

function node(id: number, functionName: string, url: string, line: number, children: number[] = []): ProfileNode {
  return { id, callFrame: { functionName, url, lineNumber: line, columnNumber: 0 }, children };
}

/** A profile whose samples are `ids`, the first at startUs + stepUs, then every stepUs; it ends stepUs after the last. */
function profileOf(nodes: ProfileNode[], ids: number[], stepUs: number, startUs = 1000): CpuProfile {
  return { nodes, startTime: startUs, endTime: startUs + stepUs * (ids.length + 1), samples: ids, timeDeltas: ids.map(() => stepUs) };
}

const fn = (name: string, selfShare: number, hotpath = false): ProfileFunction => ({ name, location: 'app.js:12', selfMs: 0, totalMs: 0, selfShare, totalShare: selfShare, hotpath });

test('amdahl: 63% at 20x is at most 2.49x (1 / (0.37 + 0.0315))', () => {
  assert.ok(Math.abs(amdahl(0.63, 20) - 1 / 0.4015) < 1e-12);
  assert.equal(amdahl(0, 20), 1);
  assert.equal(amdahl(1, 20), 20);
});

test('verdict: I/O-bound below half of the wall time busy, whatever the functions hold', () => {
  const v = verdictOf({ busyShare: 0.28, functions: [fn('huberLoss', 0.9)], hotpathShare: 0, kernels: [] });
  assert.equal(v.bound, 'io');
  assert.equal(v.text, 'CPU is busy 28% of wall time: the program waits on I/O, porting will not help');
  assert.equal(v.candidates[0]!.worthPorting, false);
});

test("verdict: the issue's example, 63% of CPU in a compute-bound program", () => {
  const v = verdictOf({ busyShare: 0.97, functions: [fn('huberLoss', 0.63), fn('parse', 0.2), fn('tiny', 0.01)], hotpathShare: 0, kernels: [] });
  assert.equal(v.bound, 'compute');
  assert.equal(v.candidates[0]!.text, '`huberLoss` (app.js:12) holds 63% of CPU and the program is compute-bound: worth porting; at 20x it makes the whole run at most 2.5x faster (Amdahl)');
  assert.equal(v.candidates[1]!.worthPorting, false);
  assert.equal(v.candidates.length, 2, 'functions under 5% of CPU are not candidates');
  assert.equal(v.alreadyPorted, null);
});

test('verdict: exactly half is not more than half; hotpath time counts as ported', () => {
  assert.equal(verdictOf({ busyShare: 0.9, functions: [fn('f', 0.5)], hotpathShare: 0, kernels: [] }).candidates[0]!.worthPorting, false);
  const v = verdictOf({ busyShare: 0.9, functions: [fn('parallel', 0.7, true), fn('glue', 0.1)], hotpathShare: 0.8, kernels: ['matmul on wasm'] });
  assert.deepEqual(v.candidates.map((c) => c.name), ['glue']);
  assert.match(v.text, /already runs in hotpath \(80% of CPU\)/);
  assert.equal(v.alreadyPorted, '80% of CPU already runs inside hotpath (matmul on wasm): already ported');
});

test('unionWithin merges overlaps and clips to the window', () => {
  // [0,2] u [1,3] = [0,3]; [5,6]; [9,12] clipped to [9,10]: 3 + 1 + 1 = 5
  assert.equal(unionWithin([[5, 6], [0, 2], [1, 3], [9, 12]], 0, 10), 5);
  assert.equal(unionWithin([[0, 4]], 2, 10), 2);
  assert.equal(unionWithin([], 0, 10), 0);
});

test('analyze: self and total time, idle, GC and busy share of one thread', () => {
  // root -> main (app.js:1) -> hot (app.js:12) -> Math builtin (no url); plus (idle) and GC.
  const nodes = [node(1, '(root)', '', -1, [2, 5, 6]), node(2, 'main', APP, 0, [3]), node(3, 'hot', APP, 11, [4]), node(4, 'sqrt', '', -1), node(5, '(idle)', '', -1), node(6, '(garbage collector)', '', -1)];
  // 10 samples of 1000 us: hot x4, sqrt under hot x2, main x1, GC x1, idle x2.
  const p = profileOf(nodes, [3, 3, 4, 3, 4, 3, 2, 6, 5, 5], 1000);
  const a = analyze([{ pid: 1, threadId: 0, profile: p }], ROOT);
  // Each sample weighs the time to the next one: 1000 us each (the last one to endTime).
  assert.equal(a.cpuUs, 8000);
  assert.equal(a.byCategory.idle, 2000);
  assert.equal(a.byCategory.gc, 1000);
  assert.equal(a.byCategory.user, 7000);
  const hot = a.functions.find((f) => f.name === 'hot')!;
  assert.equal(hot.selfUs, 6000, 'the builtin it calls counts as its own time');
  assert.equal(hot.totalUs, 6000);
  assert.equal(hot.line, 12);
  const main = a.functions.find((f) => f.name === 'main')!;
  assert.equal(main.selfUs, 1000);
  assert.equal(main.totalUs, 7000);
  // The profile's span: [1000, 12000] us.
  assert.equal(a.wallUs, 11000);
  assert.equal(a.busyUs, 8000);
});

test("analyze: hotpath's pool worker — wasm under `work` is hotpath CPU, `work` alone is a wait", () => {
  const pool = [node(1, '(root)', '', -1, [2, 5]), node(2, 'work', '[worker eval]', 1, [3]), node(3, 'wasm-function[40]', 'wasm://wasm/abc', 0), node(5, '(idle)', '', -1)];
  const main = [node(1, '(root)', '', -1, [2]), node(2, 'app', APP, 0, [3, 4]), node(3, 'sleep', `file://${ROOT}/dist/backends/wasm/epoch.js`, 115), node(4, 'parallel', `file://${ROOT}/dist/backends/wasm/pool.js`, 114)];
  // Worker: 3 wasm samples then 2 waits; main: 2 in parallel, 3 asleep (waiting for the worker).
  const a = analyze(
    [
      { pid: 1, threadId: 0, profile: profileOf(main, [4, 4, 3, 3, 3], 1000) },
      { pid: 1, threadId: 2, profile: profileOf(pool, [3, 3, 3, 2, 2], 1000) },
    ],
    ROOT,
  );
  assert.equal(a.byCategory.hotpath, 5000);
  assert.equal(a.byCategory.wait, 5000);
  assert.equal(a.cpuUs, 5000);
  assert.deepEqual(a.threads.map((t) => t.kind), ['main', 'hotpath-pool']);
  // Both threads' samples start at 2000 us: main busy [2000, 4000), worker busy [2000, 5000).
  assert.equal(a.busyUs, 3000);
  assert.ok(a.functions.find((f) => f.name === 'parallel')!.hotpath);
});

test('analyze: an installed copy of hotpath counts as hotpath, its tests and node_modules do not', () => {
  const nodes = [
    node(1, '(root)', '', -1, [2, 3, 4, 5]),
    node(2, 'run', 'file:///app/node_modules/hotpath/dist/runtime/core.js', 10),
    node(3, 'fixture', `file://${ROOT}/test/fixtures/x.mjs`, 0),
    node(4, 'dep', `file://${ROOT}/node_modules/fflate/index.mjs`, 0),
    node(5, 'own', `file://${ROOT}/src/profile/preload.ts`, 0),
  ];
  const a = analyze([{ pid: 1, threadId: 0, profile: profileOf(nodes, [2, 3, 4, 5], 1000) }], ROOT);
  const hotpath = Object.fromEntries(a.functions.map((f) => [f.name, f.hotpath]));
  assert.deepEqual(hotpath, { run: true, fixture: false, dep: false, own: true });
  assert.equal(a.byCategory.hotpath, 2000);
  assert.equal(a.byCategory.user, 2000);
});

test('flame chart: consecutive samples with a common stack prefix are one span per depth', () => {
  const nodes = [node(1, '(root)', '', -1, [2, 5]), node(2, 'main', APP, 0, [3, 4]), node(3, 'a', APP, 4), node(4, 'b', APP, 8), node(5, '(idle)', '', -1)];
  // main>a, main>a, main>b, idle, main>b: samples at 2, 3, 4, 5, 6 ms (start 1 ms, 1 ms apart).
  const lanes = flameLanes([{ pid: 1, threadId: 0, profile: profileOf(nodes, [3, 3, 4, 5, 4], 1000) }], [], ROOT, '/app');
  const spans = lanes[0]!.spans.map((s) => `${s.name}@${s.depth}:${s.start}+${s.duration}`).sort();
  // Times in ms from the profile's start (1 ms).
  assert.deepEqual(spans, ['a@1:1+2', 'b@1:3+1', 'b@1:5+1', 'main@0:1+3', 'main@0:5+1'].sort());
  assert.equal(lanes[0]!.spans.find((s) => s.name === 'a')!.detail, 'app.js:5');
});

test('flame chart: a sample recorded with a negative time delta is put in time order (no negative span)', () => {
  const nodes = [node(1, '(root)', '', -1, [2]), node(2, 'main', APP, 0, [3, 4]), node(3, 'a', APP, 4), node(4, 'b', APP, 8)];
  // main>a at 2 ms, main>b at 3 ms, then main>a recorded 0.5 ms back, at 2.5 ms; the profile ends at 5 ms.
  const profile: CpuProfile = { nodes, startTime: 1000, endTime: 5000, samples: [3, 4, 3], timeDeltas: [1000, 1000, -500] };
  const lanes = flameLanes([{ pid: 1, threadId: 0, profile }], [], ROOT, '/app');
  const spans = lanes[0]!.spans.map((s) => `${s.name}@${s.depth}:${s.start}+${s.duration}`).sort();
  // In time order: a at 2 and 2.5 ms, b at 3 ms until the end: one span of a, one of b.
  assert.deepEqual(spans, ['a@1:1+1', 'b@1:2+2', 'main@0:1+3'].sort());
});

test('parseCommand: node options, the script and its arguments; errors are ARGUMENT', () => {
  const c = parseCommand(['node', '--max-old-space-size=4096', '-r', 'dotenv/config', 'app.js', '--n', '3']);
  assert.deepEqual(c.nodeOptions, ['--max-old-space-size=4096', '-r', 'dotenv/config']);
  assert.equal(c.script, 'app.js');
  assert.deepEqual(c.args, ['--n', '3']);
  assert.equal(c.node, process.execPath);
  assert.equal(parseCommand(['app.ts', 'x']).script, 'app.ts');
  for (const bad of [[], ['python3', 'x.py'], ['node'], ['node', '-e', '1']]) {
    assert.throws(() => parseCommand(bad), (e: unknown) => isHotpathError(e) && e.code === 'ARGUMENT');
  }
});
