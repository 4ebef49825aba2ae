/**
 * `hotpath profile --html`: the summary and a flame chart in one self-contained page, drawn by
 * the shared report renderer (src/report/), which stays fluid at 10^5+ spans.
 */
import { renderReport, type ReportSection } from '../report/index.js';
import { flameLanes } from './flame.js';
import type { ProfileResult } from './profile.js';
import { pct } from './verdict.js';

/**
 * The page as a string. @example writeFileSync('report.html', profileHtml(result, hotpathRoot(), process.cwd()))
 */
export function profileHtml(result: ProfileResult, hotpathRoot: string, cwd: string): string {
  const r = result.report;
  const verdictRows: (string | number)[][] = [[r.verdict.text], ...r.verdict.candidates.map((c) => [c.text]), ...(r.verdict.alreadyPorted === null ? [] : [[r.verdict.alreadyPorted]])];
  const sections: ReportSection[] = [
    { kind: 'table', title: 'Verdict', columns: ['rule: port only what holds more than half of the CPU, when the program is compute-bound'], rows: verdictRows },
    {
      kind: 'table',
      title: 'Time',
      columns: ['measure', 'value'],
      rows: [
        ['wall time', `${r.wallMs} ms`],
        ['process CPU time (all threads)', r.cpuMs === null ? 'unknown' : `${r.cpuMs} ms`],
        ['CPU busy (share of wall time)', pct(r.busyShare)],
        ['main event-loop utilisation (node)', r.eventLoopUtilization === null ? 'unknown' : pct(r.eventLoopUtilization)],
        ['sampled CPU: your code / hotpath / GC / node', `${r.cpu.userMs} / ${r.cpu.hotpathMs} / ${r.cpu.gcMs} / ${Math.round((r.cpu.nodeMs + r.cpu.programMs) * 100) / 100} ms`],
        ['samples', `${r.samples} every ${r.sampleIntervalMs} ms on ${r.threads.length} threads`],
      ],
    },
    { kind: 'table', title: 'Top functions by self CPU time', columns: ['function', 'file:line', 'self ms', 'self %', 'total ms', 'total %'], rows: r.functions.map((f) => [f.hotpath ? `${f.name} [hotpath]` : f.name, f.location, f.selfMs, pct(f.selfShare), f.totalMs, pct(f.totalShare)]) },
  ];
  if (r.kernels.length > 0) {
    sections.push({ kind: 'table', title: 'hotpath kernels', columns: ['kernel', 'backend', 'calls', 'total ms', 'mean ms', 'GFLOP/s', 'copies', 'fallbacks'], rows: r.kernels.map((k) => [k.kernel, k.backend, k.calls, k.totalMs, k.meanMs, k.gflops, k.copies, k.fallbacks]) });
  }
  sections.push({ kind: 'timeline', title: 'Flame chart (every thread; idle and waiting time left blank)', note: 'wheel: zoom, drag: pan, hover: function and file:line', lanes: flameLanes(result.profiles, result.records, hotpathRoot, cwd) });
  return renderReport({ title: 'hotpath profile', subtitle: `${r.command.join(' ')} (node ${r.node})`, sections });
}
