/**
 * The HTML report's timeline in headless Chromium at 10^5 spans (the targets: first
 * render within 1 s, < 50 ms per zoom/pan frame), measured in the page with performance.now():
 *
 * - load to first render: navigation start to the end of the first timeline draw (HTML parse,
 *   JSON.parse of the spans, setup, draw), over fresh page loads;
 * - per frame: one zoom (or pan) step plus the full redraw it causes, 60 frames each, and 60
 *   redraws of the whole range (every span visible: the worst case for the LOD pass).
 *
 * Usage: npx tsx bench/reportBrowser.ts [--calls 20000] [--screenshot docs/report-timeline.png]
 * (needs /usr/bin/chromium). Prints the machine and median / p95 of each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { renderReport } from '../src/report/index.js';
import { traceReport } from '../src/trace/traceReport.js';
import { syntheticTrace } from '../test/syntheticTrace.js';

const LOADS = 5;
const FRAMES = 60;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

function stats(samples: readonly number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return `median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms (n=${s.length})`;
}

/** Runs in the page: `steps` frames of `action` + draw, each timed. */
const FRAME_LOOP = `(([kind, steps]) => {
  const t = window.hotpathReport.timelines[0];
  const out = [];
  for (let i = 0; i < steps; i++) {
    const began = performance.now();
    if (kind === 'zoom') t.zoom(i < steps / 2 ? 0.85 : 1 / 0.85, 700);
    if (kind === 'pan') t.pan(i % 20 < 10 ? -37 : 37);
    t.draw();
    out.push(performance.now() - began);
  }
  return out;
})`;

const calls = Number(arg('--calls') ?? '20000');
const trace = syntheticTrace(calls, 3);
const spans = trace.traceEvents.filter((e) => e.ph === 'X').length;
const html = renderReport(traceReport(trace.traceEvents, 'synthetic'));
const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-report-bench-'));
const file = path.join(dir, 'report.html');
writeFileSync(file, html);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const loads: number[] = [];
  let frames: Record<string, number[]> = {};
  for (let i = 0; i < LOADS; i++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction('window.hotpathReport && window.hotpathReport.firstRenderMs >= 0');
    loads.push((await page.evaluate('window.hotpathReport.firstRenderMs')) as number);
    if (i === LOADS - 1) {
      frames = {
        whole: (await page.evaluate(`${FRAME_LOOP}(['none', ${FRAMES}])`)) as number[],
        zoom: (await page.evaluate(`${FRAME_LOOP}(['zoom', ${FRAMES}])`)) as number[],
        pan: (await page.evaluate(`${FRAME_LOOP}(['pan', ${FRAMES}])`)) as number[],
      };
      const shot = arg('--screenshot');
      if (shot !== undefined) {
        await page.evaluate('(() => { const t = window.hotpathReport.timelines[0]; const [a, b] = t.full(); t.setView(a, b); t.draw(); })()');
        await page.locator('.timeline').first().screenshot({ path: shot });
        console.log(`screenshot: ${shot}`);
      }
    }
    await page.close();
  }
  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown cpu'} x${cpu.length}, node ${process.version}, ${browser.version()} headless; viewport 1400x900`);
  console.log(`report: ${spans.toLocaleString('en-US')} spans on 4 lanes, ${(html.length / 1e6).toFixed(1)} MB of HTML`);
  console.log(`load to first render: ${stats(loads)}`);
  console.log(`redraw, whole range:  ${stats(frames['whole']!)}`);
  console.log(`zoom step + redraw:   ${stats(frames['zoom']!)}`);
  console.log(`pan step + redraw:    ${stats(frames['pan']!)}`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
