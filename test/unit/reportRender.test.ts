/**
 * renderReport (src/report/index.ts) as HTML text: one self-contained document (nothing
 * fetched), escaped text, every section kind, the timeline's data sorted per row, and ARGUMENT
 * for a bad spec. What the page draws is checked in Chromium (reportBrowser.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHotpathError } from '../../src/index.js';
import { renderReport } from '../../src/report/index.js';
import { timelineData } from '../../src/report/timelineData.js';

test('every section kind renders into one self-contained page', () => {
  const html = renderReport({
    title: 'a <b> & "c"',
    subtitle: 'sub',
    sections: [
      { kind: 'timeline', title: 'tl', lanes: [{ name: 'main', spans: [{ start: 0, duration: 1, name: 'matmul' }] }] },
      { kind: 'distribution', title: 'dist', unit: 'ms', groups: [{ name: 'matmul', values: [4, 1, 3, 2] }] },
      { kind: 'series', title: 'ser', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [[0, 1], [1, 2]] }] },
      { kind: 'table', title: 'tab', columns: ['name', 'n'], rows: [['</td>', 5]] },
    ],
  });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes('<h1>a &lt;b&gt; &amp; &quot;c&quot;</h1>'));
  assert.ok(html.includes('<td>&lt;/td&gt;</td><td>5</td>'));
  assert.equal((html.match(/<svg /g) ?? []).length, 2);
  assert.equal((html.match(/<canvas>/g) ?? []).length, 1);
  // Nothing is loaded from elsewhere: no src= or href= attributes, no URL in the page.
  assert.doesNotMatch(html, /\s(src|href)=/);
  assert.doesNotMatch(html, /https?:\/\//);
  // Nearest-rank percentiles of 1..4: p50 = 2, p90 = p99 = max = 4.
  assert.ok(html.includes('<td>matmul</td><td>4</td><td>2</td><td>4</td><td>4</td><td>4</td>'), 'percentile row');
});

test('a page without timelines carries no script', () => {
  const html = renderReport({ title: 't', sections: [{ kind: 'table', title: 'x', columns: ['a'], rows: [] }] });
  assert.doesNotMatch(html, /<script/);
});

test('timeline data: one row per depth, sorted by start, strings interned', () => {
  const data = timelineData({
    kind: 'timeline',
    title: 't',
    lanes: [
      {
        name: 'L',
        spans: [
          { start: 5, duration: 1, name: 'b', kind: 'share' },
          { start: 1, duration: 2, name: 'a', detail: 'x' },
          { start: 1.5, duration: 0.5, depth: 1, name: 'b' },
          { start: 3, duration: 0.123456789, name: 'a' },
        ],
      },
    ],
  });
  // Interned in drawing order (depth, then start).
  assert.deepEqual(data.names, ['a', 'b']);
  assert.deepEqual(data.kinds, ['', 'share']);
  assert.deepEqual([data.t0, data.t1], [1, 6]);
  const [top, below] = data.lanes[0]!.rows;
  assert.deepEqual(top, { start: [1, 3, 5], duration: [2, 0.1235, 1], name: [0, 0, 1], kind: [0, 0, 1], detail: [0, -1, -1] });
  assert.deepEqual(below, { start: [1.5], duration: [0.5], name: [1], kind: [0], detail: [-1] });
});

test('bad specs are refused with ARGUMENT', () => {
  const bad: unknown[] = [
    null,
    { title: 't' },
    { title: 't', sections: [{ kind: 'pie', title: 'p' }] },
    { title: 't', sections: [{ kind: 'timeline', title: 'p', lanes: [{ name: 'l', spans: [{ start: Number.NaN, duration: 1, name: 'x' }] }] }] },
    { title: 't', sections: [{ kind: 'timeline', title: 'p', lanes: [{ name: 'l', spans: [{ start: 0, duration: -1, name: 'x' }] }] }] },
    { title: 't', sections: [{ kind: 'timeline', title: 'p', lanes: [{ name: 'l', spans: [{ start: 0, duration: 1, depth: 0.5, name: 'x' }] }] }] },
    { title: 't', sections: [{ kind: 'timeline', title: 'p', lanes: [{ name: 'l' }] }] },
  ];
  for (const spec of bad) {
    assert.throws(() => renderReport(spec as never), (e: unknown) => isHotpathError(e) && e.code === 'ARGUMENT', JSON.stringify(spec));
  }
});
