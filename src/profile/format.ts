/** The terminal summary of a ProfileReport. */
import { formatTable } from '../cli/table.js';
import type { ProfileReport } from './report.js';
import { pct } from './verdict.js';

const sec = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const msCell = (ms: number): string => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;

/**
 * Formats the summary: times, top functions, hotpath kernels, GC and the verdict.
 * @example process.stdout.write(formatProfile(report))
 */
export function formatProfile(r: ProfileReport): string {
  const out: string[] = [];
  const exit = r.exit.signal !== null ? `ended by ${r.exit.signal}` : `exit ${String(r.exit.code)}`;
  out.push(`hotpath profile: ${r.command.join(' ')} (${exit}, node ${r.node})`);
  const cpu = r.cpuMs === null ? 'process CPU time unknown' : `CPU ${sec(r.cpuMs)} (process, all threads: ${(r.cpuMs / Math.max(r.wallMs, 1)).toFixed(2)} cores)`;
  out.push(`wall ${sec(r.wallMs)}, ${cpu}`);
  const elu = r.eventLoopUtilization === null ? '' : `; main event loop utilisation ${pct(r.eventLoopUtilization)}`;
  out.push(`CPU busy ${pct(r.busyShare)} of wall time, idle / waiting on I/O ${pct(1 - r.busyShare)}${elu}`);
  const threads = r.threads.map((t) => `${t.kind}#${t.threadId} ${sec(t.cpuMs)}${t.waitMs > 0 ? ` (+${sec(t.waitMs)} waiting)` : ''}`).join(', ');
  out.push(`${r.samples} samples every ${r.sampleIntervalMs.toFixed(2)} ms on ${r.threads.length} thread${r.threads.length === 1 ? '' : 's'}: ${threads}`);
  const total = Math.max(r.sampledCpuMs, 1e-9);
  out.push(`CPU by part: your code ${pct(r.cpu.userMs / total)}, hotpath ${pct(r.cpu.hotpathMs / total)}, GC ${pct(r.cpu.gcMs / total)}, node internals ${pct((r.cpu.nodeMs + r.cpu.programMs) / total)}`);
  out.push('');
  out.push('top functions by self CPU time (all threads)');
  const rows = r.functions.map((f) => [msCell(f.selfMs), pct(f.selfShare), msCell(f.totalMs), pct(f.totalShare), f.hotpath ? `${f.name} [hotpath]` : f.name, f.location]);
  out.push(indent(formatTable(['self', '%', 'total', '%', 'function', 'file:line'], rows)));
  if (r.kernels.length > 0) {
    out.push('hotpath kernels');
    const kRows = r.kernels.map((k) => [k.kernel, k.backend, String(k.calls), msCell(k.totalMs), `${(k.meanMs * 1000).toFixed(1)} us`, k.gflops.toFixed(2), String(k.copies), String(k.fallbacks), [...k.copyReasons, ...k.fallbackReasons].slice(0, 2).join('; ')]);
    out.push(indent(formatTable(['kernel', 'backend', 'calls', 'total', 'mean', 'GFLOP/s', 'copies', 'fallbacks', 'reasons'], kRows)));
  } else {
    out.push('hotpath kernels: none called');
  }
  out.push(`GC: ${msCell(r.cpu.gcMs)} (${pct(r.gcShare)} of CPU)`);
  out.push('');
  out.push(`verdict: ${r.verdict.text}`);
  for (const c of r.verdict.candidates) {
    out.push(`  - ${c.text}`);
  }
  if (r.verdict.alreadyPorted !== null) {
    out.push(`  - ${r.verdict.alreadyPorted}`);
  }
  for (const note of r.notes) {
    out.push(`note: ${note}`);
  }
  return `${out.join('\n')}\n`;
}

function indent(table: string): string {
  return table
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
}
