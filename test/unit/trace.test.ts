/**
 * hp.trace: Chrome trace event JSON of the kernel calls, one lane (tid) per thread, each pool
 * worker's share inside the call that posted it, copies and fallbacks as instant events with
 * the reasons explain() gives, and a bounded buffer that says how many calls it dropped.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createRuntime, isHotpathError, type KernelCall } from '../../src/index.js';

interface Ev {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: string;
  args?: Record<string, unknown>;
}

/** The Trace Event Format's rules for the event types hotpath writes. */
function checkFormat(events: readonly Ev[]): void {
  for (const e of events) {
    assert.equal(typeof e.name, 'string');
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid), JSON.stringify(e));
    assert.ok(['X', 'i', 'M'].includes(e.ph), e.ph);
    if (e.ph === 'X') {
      assert.ok(Number.isFinite(e.ts) && e.ts! >= 0 && Number.isFinite(e.dur) && e.dur! >= 0, JSON.stringify(e));
    }
    if (e.ph === 'i') {
      assert.ok(Number.isFinite(e.ts) && (e.s === 't' || e.s === 'g'), JSON.stringify(e));
    }
    if (e.ph === 'M') {
      assert.ok(['process_name', 'thread_name'].includes(e.name) && typeof e.args?.['name'] === 'string', JSON.stringify(e));
    }
  }
}

const isCode = (code: string) => (e: unknown) => isHotpathError(e) && e.code === code;

test('a 2-thread trace: one lane per thread, every worker share inside its call', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-trace-'));
  const hp = await createRuntime({ require: 'wasm', threads: 2, parallelThreshold: 0 });
  try {
    const x = hp.tensor(Float32Array.from({ length: 256 * 64 }, (_, i) => Math.sin(i)), [256, 64]);
    const seen: KernelCall[] = [];
    hp.observe((c) => seen.push(c));
    hp.trace.start();
    assert.equal(hp.trace.active, true);
    for (let i = 0; i < 4; i++) {
      hp.softmax(x);
    }
    hp.add(x, x);
    const file = path.join(dir, 'trace.json');
    await hp.trace.stop(file);
    assert.equal(hp.trace.active, false);
    const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: Ev[]; displayTimeUnit: string };
    const events = trace.traceEvents;
    checkFormat(events);
    const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args!['name'] as string]));
    assert.deepEqual([...names.keys()].sort(), [1, 2]);
    assert.notEqual(names.get(1), names.get(2));
    const calls = events.filter((e) => e.cat === 'kernel');
    assert.deepEqual(calls.map((e) => e.name), ['softmax', 'softmax', 'softmax', 'softmax', 'add']);
    assert.ok(calls.every((e) => e.tid === 1 && e.ph === 'X'));
    const shares = events.filter((e) => e.cat === 'share');
    for (const s of shares) {
      assert.equal(s.tid, 1 + (s.args!['thread'] as number), 'share k on the lane of thread k');
    }
    for (const call of calls) {
      assert.equal(call.args!['threads'], 2);
      const mine = shares.filter((s) => s.ts! >= call.ts! && s.ts! + s.dur! <= call.ts! + call.dur!);
      assert.ok(mine.some((s) => s.tid === 2), `${call.name} at ${call.ts}: a worker share inside [${call.ts}, ${call.ts! + call.dur!}]`);
      assert.ok(mine.some((s) => s.tid === 1), `${call.name}: the caller's share inside`);
    }
    // Every share lies inside some call: none is outside its call's time.
    assert.ok(shares.every((s) => calls.some((c) => s.ts! >= c.ts! && s.ts! + s.dur! <= c.ts! + c.dur!)));
    // The observer saw the same calls, with the shares; none after stop().
    assert.equal(seen.length, 5);
    assert.ok(seen.every((c) => c.threadSpans !== undefined && c.threadSpans.some((s) => s.thread === 1)));
    hp.softmax(x);
    assert.equal(seen[5]!.threadSpans, undefined, 'no per-thread timing once the trace stopped');
  } finally {
    await hp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('copies and fallbacks are instant events with explain()’s reasons', async () => {
  // wasm and ref only: the calls below are chosen for the fallbacks and copies they make there.
  const hp = await createRuntime({ threads: 1, backends: ['wasm', 'ref'] });
  try {
    const ints = hp.tensor(Int32Array.from([-2, -1, 0, 1]), [4]);
    const a = hp.tensor(Float32Array.from({ length: 3 ** 6 }, (_, i) => i - 300), [3, 3, 3, 3, 3, 3]);
    // Every other element on all six axes: no two axes merge, more than wasm's 4 dims.
    const v = a.slice([0, 3, 2], [0, 3, 2], [0, 3, 2], [0, 3, 2], [0, 3, 2], [0, 3, 2]);
    const fallback = hp.explain('relu', [ints]);
    const copy = hp.explain('clip', [v], { min: 0, max: 10 });
    assert.equal(fallback.backend, 'ref');
    assert.ok(copy.copies !== undefined);
    hp.trace.start();
    hp.relu(ints);
    hp.run('clip', [v], { min: 0, max: 10 });
    const trace = await hp.trace.stop();
    const events = trace.traceEvents as unknown as Ev[];
    checkFormat(events);
    const falls = events.filter((e) => e.cat === 'fallback');
    assert.deepEqual(falls.map((e) => [e.ph, e.args!['reason']]), fallback.passed.map((p) => ['i', `${p.backend}: ${p.reason}`]));
    const copies = events.filter((e) => e.cat === 'copy');
    assert.equal(copies.length, 1);
    assert.ok(String(copies[0]!.args!['reason']).includes(copy.copies!));
    const clip = events.find((e) => e.cat === 'kernel' && e.name === 'clip')!;
    assert.equal(copies[0]!.ts, clip.ts, 'marked at the start of its call');
  } finally {
    await hp.close();
  }
});

test('the buffer keeps the latest calls and counts the dropped ones', async () => {
  const hp = await createRuntime({ require: 'ref' });
  try {
    hp.trace.start({ capacity: 5, threads: false });
    for (let n = 1; n <= 12; n++) {
      hp.relu(hp.tensor(new Float32Array(n), [n]));
    }
    const trace = await hp.trace.stop();
    const events = trace.traceEvents as unknown as Ev[];
    checkFormat(events);
    const calls = events.filter((e) => e.cat === 'kernel');
    assert.deepEqual(calls.map((e) => e.args!['shapes']), ['[8]', '[9]', '[10]', '[11]', '[12]']);
    assert.equal(trace.otherData.dropped, 7);
    const note = events.filter((e) => e.cat === 'dropped');
    assert.equal(note.length, 1);
    assert.equal(note[0]!.args!['dropped'], 7);
    assert.equal(events.filter((e) => e.cat === 'share').length, 0);
  } finally {
    await hp.close();
  }
});

test('misuse is refused: stop before start, two starts, bad options, an unwritable file', async () => {
  const hp = await createRuntime({ require: 'ref' });
  try {
    await assert.rejects(hp.trace.stop(), isCode('ARGUMENT'));
    assert.throws(() => hp.trace.start({ capacity: 0 }), isCode('ARGUMENT'));
    assert.throws(() => hp.trace.start({ threads: 'yes' as never }), isCode('ARGUMENT'));
    hp.trace.start();
    assert.throws(() => hp.trace.start(), isCode('ARGUMENT'));
    await assert.rejects(hp.trace.stop(path.join(tmpdir(), 'no-such-dir-hotpath', 'x', 'trace.json')), isCode('IO'));
    assert.equal(hp.trace.active, false);
  } finally {
    await hp.close();
  }
});
