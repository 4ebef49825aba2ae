/**
 * The timeline's level-of-detail aggregation (src/report/lod.ts), a pure function: spans at
 * least a pixel wide are listed, narrower ones land in per-pixel buckets. Checked on a case
 * worked by hand and against a brute-force per-pixel overlap computed here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateRow, firstVisible, lodFrame, prefixMaxEnd, type LodRow } from '../../src/report/lod.js';

function row(spans: readonly (readonly [number, number])[]): LodRow {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const start = sorted.map((s) => s[0]);
  const duration = sorted.map((s) => s[1]);
  return { start, duration, maxEnd: prefixMaxEnd(start, duration) };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9;

test('prefixMaxEnd and firstVisible', () => {
  assert.deepEqual([...prefixMaxEnd([0, 1, 2, 8], [5, 1, 1, 0.5])], [5, 5, 5, 8.5]);
  assert.equal(firstVisible([5, 5, 5, 8.5], 6), 3);
  assert.equal(firstVisible([5, 5, 5, 8.5], 5), 0);
  assert.equal(firstVisible([5, 5, 5, 8.5], 9), 4);
  assert.equal(firstVisible([], 0), 0);
});

test('a row worked by hand at 1 ms per pixel', () => {
  // View [0, 10] ms on 10 px.
  const r = row([
    [-3, 2], // ends before the view: ignored
    [-0.5, 0.7], // clipped at the left edge: 0.2 px in column 0
    [0, 5], // 5 px: drawn on its own
    [5.2, 0.5], // column 5, half covered
    [6.8, 0.4], // straddles columns 6 and 7: 0.2 px each, counted in 6
    [8, 0], // an instant: counted in 8, covers nothing
    [11, 0.1], // after the view: ignored
  ]);
  const f = lodFrame(10);
  aggregateRow(r, 0, 10, 10, 1, f);
  assert.deepEqual(f.wide.map((i) => [r.start[i], r.duration[i]]), [[0, 5]]);
  assert.deepEqual([...f.count], [1, 0, 0, 0, 0, 1, 1, 0, 1, 0]);
  const expected = [0.2, 0, 0, 0, 0, 0.5, 0.2, 0.2, 0, 0];
  expected.forEach((c, i) => assert.ok(close(f.coverage[i]!, c), `column ${i}: ${f.coverage[i]} vs ${c}`));
  assert.equal(r.start[f.pick[6]!], 6.8);
  assert.equal(f.pick[1], -1);
  // The same frame object reused for another view starts clean.
  aggregateRow(r, 100, 110, 10, 1, f);
  assert.deepEqual([f.wide.length, [...f.count].reduce((a, b) => a + b, 0)], [0, 0]);
});

test('a long span that began before the view is found behind shorter later ones', () => {
  const r = row([[0, 100], [1, 0.1], [2, 0.1], [70, 0.1]]);
  const f = lodFrame(100);
  aggregateRow(r, 50, 60, 100, 1, f);
  assert.deepEqual(f.wide.map((i) => r.start[i]), [0]);
  assert.equal([...f.count].reduce((a, b) => a + b, 0), 0);
});

test('random rows against a brute-force per-pixel overlap', () => {
  let s = 11;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const [n, width, t0, t1] of [[10_000, 500, 0, 1000], [3_000, 333, 123.4, 456.7], [500, 64, 990, 1000]] as const) {
    const spans = Array.from({ length: n }, (): [number, number] => {
      const long = rnd() < 0.05;
      return [rnd() * 1000, long ? rnd() * 40 : rnd() * rnd() * 2];
    });
    const r = row(spans);
    const f = lodFrame(width);
    aggregateRow(r, t0, t1, width, 1, f);
    const pxPerMs = width / (t1 - t0);
    const coverage = new Float64Array(width);
    const count = new Uint32Array(width);
    const wide: number[] = [];
    spans.forEach(([start, d]) => {
      const end = start + d;
      if (end < t0 || start > t1) {
        return;
      }
      if (d * pxPerMs >= 1) {
        wide.push(start);
        return;
      }
      // Overlap of [start, end] with each column's time interval, in pixels.
      const a = (start - t0) * pxPerMs;
      const b = (end - t0) * pxPerMs;
      count[Math.min(width - 1, Math.floor(Math.max(0, a)))]!++;
      for (let c = 0; c < width; c++) {
        coverage[c]! += Math.max(0, Math.min(b, c + 1) - Math.max(a, c));
      }
    });
    assert.deepEqual(f.wide.map((i) => r.start[i]).sort((a, b) => a! - b!), wide.sort((a, b) => a - b));
    assert.deepEqual([...f.count], [...count]);
    for (let c = 0; c < width; c++) {
      assert.ok(Math.abs(f.coverage[c]! - coverage[c]!) <= 1e-9, `n ${n} column ${c}: ${f.coverage[c]} vs ${coverage[c]}`);
      if (count[c]! > 0) {
        // The pick is the longest narrow span starting in that column.
        const longest = spans.filter(([st, d]) => d * pxPerMs < 1 && st + d >= t0 && st <= t1 && Math.min(width - 1, Math.floor(Math.max(0, (st - t0) * pxPerMs))) === c).reduce((m, [, d]) => Math.max(m, d), -1);
        assert.equal(r.duration[f.pick[c]!], longest);
      }
    }
  }
});
