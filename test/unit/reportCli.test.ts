/**
 * `hotpath report`: a trace from hp.trace.stop() becomes one HTML page with the kernel table,
 * the timeline's lanes and the plots; any Trace Event Format file (a bare array, no hotpath
 * categories) works too; unreadable or foreign JSON is IO / FORMAT.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeReport } from '../../src/cli/report.js';
import { createRuntime, isHotpathError } from '../../src/index.js';
import { timelineData } from '../../src/report/timelineData.js';
import type { TimelineSection } from '../../src/report/types.js';
import { traceEventsOf, traceReport } from '../../src/trace/traceReport.js';

test('a runtime trace becomes a page with its kernels, lanes and plots', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-report-cli-'));
  const hp = await createRuntime({ require: 'wasm', threads: 2, parallelThreshold: 0 });
  try {
    const x = hp.tensor(Float32Array.from({ length: 128 * 32 }, (_, i) => Math.cos(i)), [128, 32]);
    hp.trace.start();
    hp.softmax(x);
    hp.relu(x);
    hp.relu(x);
    const file = path.join(dir, 'run.json');
    await hp.trace.stop(file);
    assert.equal((await writeReport(file)).out, path.join(dir, 'run.html'));
    const html = readFileSync(path.join(dir, 'run.html'), 'utf8');
    assert.ok(html.includes('<td>relu</td><td>2</td>'), 'relu: 2 calls in the table');
    assert.ok(html.includes('<td>softmax</td><td>1</td>'));
    assert.ok(html.includes('caller (main thread)') && html.includes('wasm worker 1'));
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
  } finally {
    await hp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a foreign trace (bare array, nested spans) gets lanes by tid, rows by depth, instants below', () => {
  const events = traceEventsOf(
    [
      { name: 'thread_name', ph: 'M', pid: 7, tid: 3, args: { name: 'render' } },
      { name: 'outer', ph: 'X', pid: 7, tid: 3, ts: 1000, dur: 500 },
      { name: 'inner', ph: 'X', pid: 7, tid: 3, ts: 1100, dur: 100 },
      { name: 'mark', ph: 'i', s: 't', pid: 7, tid: 3, ts: 1150 },
      { name: 'after', ph: 'X', pid: 7, tid: 3, ts: 1600, dur: 10 },
      { name: 'other', ph: 'X', pid: 7, tid: 1, ts: 1000, dur: 50 },
    ],
    'x.json',
  );
  const spec = traceReport(events, 'x.json');
  const timeline = spec.sections.find((s): s is TimelineSection => s.kind === 'timeline')!;
  assert.deepEqual(timeline.lanes.map((l) => l.name), ['pid 7 tid 1', 'render']);
  const render = timeline.lanes[1]!.spans.map((s) => [s.name, s.depth, Number(s.start.toFixed(9)), Number(s.duration.toFixed(9))]);
  // ms from the first event (ts 1000 µs = 1 ms).
  // The instant inside 'inner' gets the row below the deepest span (depth 1), not a span's row.
  assert.deepEqual(render, [['outer', 0, 0, 0.5], ['inner', 1, 0.1, 0.1], ['mark', 2, 0.15, 0], ['after', 0, 0.6, 0.01]]);
  assert.equal(timelineData(timeline).lanes[1]!.rows.length, 3);
});

test('unreadable, non-JSON and non-trace files are refused', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-report-bad-'));
  try {
    const code = async (file: string): Promise<string> => {
      try {
        await writeReport(file, path.join(dir, 'o.html'));
        return 'none';
      } catch (error) {
        return isHotpathError(error) ? error.code : 'not a HotpathError';
      }
    };
    assert.equal(await code(path.join(dir, 'missing.json')), 'IO');
    writeFileSync(path.join(dir, 'a.json'), '{ not json');
    assert.equal(await code(path.join(dir, 'a.json')), 'FORMAT');
    writeFileSync(path.join(dir, 'b.json'), '{"rows": [1, 2]}');
    assert.equal(await code(path.join(dir, 'b.json')), 'FORMAT');
    writeFileSync(path.join(dir, 'c.json'), '{"traceEvents": [{"ph": "M", "name": "thread_name"}]}');
    assert.equal(await code(path.join(dir, 'c.json')), 'FORMAT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
