/**
 * hotpath's HTML reports: ONE self-contained file (inline CSS, SVG and script; nothing fetched)
 * that a person opens in any browser. Producers build a ReportSpec and call renderReport:
 *
 * ```ts
 * import { renderReport } from '../report/index.js';
 * const html = renderReport({
 *   title: 'hotpath profile', subtitle: 'node app.js, 2026-11-28',
 *   sections: [
 *     // A zoomable timeline (canvas, level-of-detail: fluid at 10^5+ spans). Times in ms from
 *     // any origin; depth = row in the lane (a flame chart: stack depth, 0 = root).
 *     { kind: 'timeline', title: 'CPU samples', lanes: [
 *       { name: 'main thread', spans: [{ start: 0, duration: 12.5, depth: 0, name: 'main', kind: 'js', detail: 'app.js:3' }] },
 *     ] },
 *     // Latency distributions: CDF per group (log axis) and a p50/p90/p99/max table.
 *     { kind: 'distribution', title: 'Latency per kernel', unit: 'ms', groups: [{ name: 'matmul', values: [1.2, 1.3] }] },
 *     // Lines of [x, y]; xTime: true for epoch-ms x (e.g. the gate's saved runs over time).
 *     { kind: 'series', title: 'kmeans over saved runs', xLabel: 'run', yLabel: 'ms', xTime: true,
 *       series: [{ name: 'median', points: [[Date.parse('2026-11-01'), 41.5]] }] },
 *     { kind: 'table', title: 'Verdicts', columns: ['function', 'self %'], rows: [['huberLoss', 63]] },
 *   ],
 * });
 * await writeFile('report.html', html);
 * ```
 *
 * Span kinds with fixed colours: 'copy', 'fallback', 'dropped'; 'share' is drawn lighter (a
 * worker's part of a call); every other kind keeps its name's colour. The page exposes
 * `window.hotpathReport.timelines[i]` (view, setView, zoom, pan, draw) for tests and benches.
 */
import { fail } from '../errors.js';
import { aggregateRow, firstVisible, lodFrame, prefixMaxEnd } from './lod.js';
import { distributionHtml, escapeHtml, seriesHtml, tableHtml } from './svg.js';
import { timelineData } from './timelineData.js';
import { timelinePage } from './timelinePage.js';
import type { ReportSection, ReportSpec } from './types.js';

export type { DistributionSection, ReportSection, ReportSpec, SeriesSection, TableSection, TimelineLane, TimelineSection, TimelineSpan } from './types.js';

const KINDS = ['timeline', 'distribution', 'series', 'table'];

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.sub,.note{color:#666}
.timeline{position:relative;border:1px solid #ddd;overflow:hidden;user-select:none}
.timeline canvas{display:block;cursor:grab}.hint{color:#888;font-size:12px;margin:4px 0}
.tip{position:absolute;display:none;pointer-events:none;background:#fffbe6;border:1px solid #cbb;padding:4px 6px;font:12px monospace;white-space:pre;max-width:520px;overflow:hidden}
svg.plot{width:100%;max-width:760px;height:auto;font:11px sans-serif}svg .grid{stroke:#eee}svg .label{fill:#444;font-size:12px}
.legend{margin:2px 0 8px}.key{margin-right:14px;font-size:12px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}`;

/**
 * The report as one HTML document (a string to write to a .html file).
 * @example writeFileSync('r.html', renderReport({ title: 'demo', sections: [{ kind: 'table', title: 't', columns: ['a'], rows: [[1]] }] }))
 * @throws ARGUMENT for a spec that is not { title: string, sections: [...] } of known kinds, or
 *   a timeline span whose start or duration is not a finite number (duration >= 0)
 */
export function renderReport(spec: ReportSpec): string {
  if (spec === null || typeof spec !== 'object' || typeof spec.title !== 'string' || !Array.isArray(spec.sections)) {
    fail({ code: 'ARGUMENT', kernel: 'renderReport', problem: 'invalid report spec', expected: '{ title: string, sections: ReportSection[] }', received: spec === null ? 'null' : typeof spec });
  }
  let timelines = 0;
  const body = spec.sections.map((section, i) => {
    if (section === null || typeof section !== 'object' || !KINDS.includes(section.kind)) {
      fail({ code: 'ARGUMENT', kernel: 'renderReport', problem: `section ${i} has an unknown kind`, expected: KINDS.map((k) => `'${k}'`).join(' | '), received: String((section as { kind?: unknown } | null)?.kind) });
    }
    const head = `<h2>${escapeHtml(section.title)}</h2>${section.note === undefined ? '' : `<p class="note">${escapeHtml(section.note)}</p>`}`;
    if (section.kind === 'timeline') {
      timelines++;
      return head + timelineHtml(section, `timeline${i}`);
    }
    return head + staticHtml(section);
  });
  const script = timelines === 0 ? '' : `<script>${pageScript()}</script>`;
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(spec.title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(spec.title)}</h1>${spec.subtitle === undefined ? '' : `<p class="sub">${escapeHtml(spec.subtitle)}</p>`}` +
    `${body.join('\n')}${script}</body></html>\n`
  );
}

function staticHtml(section: Exclude<ReportSection, { kind: 'timeline' }>): string {
  switch (section.kind) {
    case 'distribution':
      return distributionHtml(section);
    case 'series':
      return seriesHtml(section);
    case 'table':
      return tableHtml(section.columns, section.rows);
  }
}

function timelineHtml(section: Extract<ReportSection, { kind: 'timeline' }>, id: string): string {
  // JSON inside <script>: only "</" could end the element early, and JSON never needs a raw "<".
  const json = JSON.stringify(timelineData(section)).replace(/</g, '\\u003c');
  const count = section.lanes.reduce((n, lane) => n + lane.spans.length, 0);
  return (
    `<p class="hint">${count.toLocaleString('en-US')} spans · wheel: zoom · drag: pan · double-click: whole range · hover: details</p>` +
    `<div class="timeline" id="${id}"><canvas></canvas><div class="tip"></div></div>` +
    `<script type="application/json" data-timeline="${id}">${json}</script>`
  );
}

/** The page's script: lod.ts's functions and the viewer, from their compiled source. */
function pageScript(): string {
  const lod = [prefixMaxEnd, firstVisible, aggregateRow, lodFrame].map((f) => f.toString()).join('\n');
  // Under tsx, esbuild's keepNames wraps named functions in __name(): a no-op here.
  const source = `"use strict";(function(){const __name=(f)=>f;\n${lod}\n${timelinePage.toString()}\ntimelinePage(window,{prefixMaxEnd,firstVisible,aggregateRow,lodFrame});})();`;
  if (source.includes('</script')) {
    throw new Error('internal: the report script contains </script');
  }
  return source;
}
