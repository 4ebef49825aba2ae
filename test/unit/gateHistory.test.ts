/**
 * `hotpath report history.json` on a `hotpath bench --save` history: the saved runs plotted
 * over their dates (median ms and median kernel/probe ratio, values worked out by hand here),
 * the latest runs' distributions and a table of every run, in one self-contained page.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { checkFile } from '../../src/gate/format.js';
import { benchHistoryReport } from '../../src/gate/history.js';
import type { SeriesSection, TableSection } from '../../src/report/types.js';
import { hotpath } from '../helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-history-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const machine = { cpu: 'Test CPU', cores: 2, node: 'v20.20.2', platform: 'linux', arch: 'x64', backend: 'wasm', threads: 2 };
const probe = { kind: 'js-mix-v1', threads: 2, iterationsPerThread: 1000 };
const run = (date: string, kernelMs: number[], probeMs: number[], injected?: number): object => ({
  date,
  kernel: 'pairwiseDistances',
  attrs: { metric: 'euclidean' },
  data: [{ file: 'points.npy', sha256: 'a'.repeat(64), arrays: [{ name: 'points', shape: [48, 4], dtype: 'float32' }] }],
  machine,
  probe,
  warmup: 1,
  kernelMs,
  probeMs,
  ...(injected === undefined ? {} : { injectedSlowdown: injected }),
});
const HISTORY = {
  format: 'hotpath-bench',
  version: 1,
  runs: [
    // medians: ms 2 (of 1, 2, 9), ratio 1 (2/2; 1/1; 9/3 = 3 -> 1, 1, 3)
    run('2026-11-01T10:00:00.000Z', [1, 2, 9], [1, 2, 3]),
    // medians: ms 3 (of 2, 3, 4, 8 -> (3 + 4) / 2 = 3.5), ratio (1, 1.5, 2, 4 -> 1.75)
    run('2026-11-02T10:00:00.000Z', [2, 3, 4, 8], [2, 2, 2, 2], 0.2),
  ],
};

test('the history report: medians over the runs dates, distributions, a row per run', () => {
  const file = checkFile(JSON.parse(JSON.stringify(HISTORY)), 'h.json');
  const spec = benchHistoryReport(file, 'h.json');
  const [ms, ratio, dist, table] = spec.sections as [SeriesSection, SeriesSection, { kind: string; groups: { name: string; values: number[] }[] }, TableSection];
  assert.equal(ms.xTime, true);
  assert.deepEqual(ms.series[0]!.points, [[Date.parse('2026-11-01T10:00:00.000Z'), 2], [Date.parse('2026-11-02T10:00:00.000Z'), 3.5]]);
  assert.deepEqual(ratio.series[0]!.points.map(([, y]) => y), [1, 1.75]);
  assert.equal(dist.kind, 'distribution');
  assert.deepEqual(dist.groups.map((g) => g.values), [[1, 2, 9], [2, 3, 4, 8]]);
  assert.match(dist.groups[1]!.name, /#2 2026-11-02 10:00 \(\+20% injected\)/);
  assert.equal(table.rows.length, 2);
  assert.deepEqual(table.rows[1]!.slice(1, 7), ['pairwiseDistances', 'wasm', 2, 4, 3.5, 1.75]);
});

test('hotpath report on a history file writes the page; a broken history is FORMAT', () => {
  const history = path.join(tmp, 'history.json');
  writeFileSync(history, JSON.stringify(HISTORY));
  const r = hotpath('report', history, '--out', path.join(tmp, 'history.html'));
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(path.join(tmp, 'history.html'), 'utf8');
  assert.match(html, /Median kernel \/ probe ratio per saved run/);
  assert.match(html, /hotpath bench history: history\.json/);
  const broken = path.join(tmp, 'broken.json');
  writeFileSync(broken, JSON.stringify({ ...HISTORY, runs: [{ ...(HISTORY.runs[0] as object), kernelMs: 'fast' }] }));
  const bad = hotpath('report', broken, '--out', path.join(tmp, 'broken.html'));
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /error \[FORMAT\]/);
});
