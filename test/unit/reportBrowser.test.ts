/**
 * `hotpath report` on a 10^5-span trace, opened in a real headless Chromium (playwright-core
 * with Debian's chromium, which .ci/run installs): no console or page error, the timeline's
 * canvas is drawn, a programmatic zoom and a pan change what it shows, hovering shows a
 * tooltip. No timing assertions (bench/reportBrowser.ts measures them).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeReport } from '../../src/cli/report.js';
import { syntheticTrace } from '../syntheticTrace.js';

const CHROMIUM = '/usr/bin/chromium';

/** What the page's canvas shows: painted pixels and a checksum of them. */
const PIXELS = `(() => {
  const c = window.hotpathReport.timelines[0].canvas;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0, sum = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) { painted++; sum = (sum * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2] + i) % 1000000007; }
  }
  return { painted, sum, total: d.length / 4 };
})()`;

test('a 10^5-span report renders in Chromium, zooms and pans', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)` }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-report-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const trace = syntheticTrace(20_000, 3);
    const spans = trace.traceEvents.filter((e) => e.ph === 'X').length;
    assert.equal(spans, 100_000);
    const file = path.join(dir, 'trace.json');
    writeFileSync(file, JSON.stringify(trace));
    const out = path.join(dir, 'report.html');
    await writeReport(file, out);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      // Warnings are not counted: the test's own getImageData readbacks make Chromium advise willReadFrequently.
      if (m.type() === 'error') {
        errors.push(`console ${m.type()}: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(pathToFileURL(out).href);
    await page.waitForFunction('window.hotpathReport && window.hotpathReport.firstRenderMs >= 0');
    assert.equal(await page.evaluate('window.hotpathReport.timelines.length'), 1);
    // Every X event and instant is in the timeline; the hint counts them.
    const hint = await page.locator('.hint').first().textContent();
    const instants = trace.traceEvents.filter((e) => e.ph === 'i').length;
    assert.equal(hint?.split(' ')[0], (spans + instants).toLocaleString('en-US'));
    assert.equal(await page.locator('svg.plot').count(), 3, 'latency CDF, calls/s and GFLOP/s plots');

    const whole = (await page.evaluate(PIXELS)) as { painted: number; sum: number; total: number };
    // Four lanes of dense spans over ~1250 px: far more than the axis alone would paint.
    assert.ok(whole.painted > whole.total * 0.05, `painted ${whole.painted} of ${whole.total}`);
    const [a, b] = (await page.evaluate('window.hotpathReport.timelines[0].view()')) as [number, number];

    await page.evaluate('(() => { const t = window.hotpathReport.timelines[0]; t.zoom(0.01, 700); t.draw(); })()');
    const [za, zb] = (await page.evaluate('window.hotpathReport.timelines[0].view()')) as [number, number];
    assert.ok(Math.abs((zb - za) / (b - a) - 0.01) < 1e-9, `zoomed view ${za}..${zb} of ${a}..${b}`);
    const zoomed = (await page.evaluate(PIXELS)) as { painted: number; sum: number };
    assert.notEqual(zoomed.sum, whole.sum, 'zooming changed the drawing');

    await page.evaluate('(() => { const t = window.hotpathReport.timelines[0]; t.pan(-400); t.draw(); })()');
    const [pa, pb] = (await page.evaluate('window.hotpathReport.timelines[0].view()')) as [number, number];
    assert.ok(pa > za && Math.abs(pb - pa - (zb - za)) < 1e-9 * (b - a), `panned view ${pa}..${pb} after ${za}..${zb}`);
    const panned = (await page.evaluate(PIXELS)) as { painted: number; sum: number };
    assert.notEqual(panned.sum, zoomed.sum, 'panning changed the drawing');

    // Hover over the caller's lane (first row under the axis) shows a tooltip naming a kernel.
    const box = (await page.locator('.timeline canvas').boundingBox())!;
    await page.mouse.move(box.x + 700, box.y + 22 + 8);
    const tip = await page.locator('.tip').textContent();
    assert.match(tip ?? '', /matmul|softmax|add|layerNorm|relu|pairwiseDistances/);

    // A wheel event zooms too (the real input path).
    await page.mouse.wheel(0, -300);
    await page.waitForFunction(`(() => { const [x, y] = window.hotpathReport.timelines[0].view(); return y - x < ${pb - pa}; })()`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
