/**
 * `hotpath doctor [--json]`: every backend with whether it is usable and, when not, why; plus
 * the Node version, platform and CPU count. Nothing falls back silently, so this is the first
 * place to look when a backend is not used.
 */
import os from 'node:os';
import { createRuntime } from '../runtime/runtime.js';
import type { BackendStatus } from '../runtime/core.js';

export interface DoctorOptions {
  readonly json: boolean;
}

export interface DoctorReport {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly backends: readonly BackendStatus[];
}

/** Prints the report; returns the exit code (always 0: an unavailable backend is information). */
export async function doctorCommand(options: DoctorOptions): Promise<number> {
  const runtime = await createRuntime();
  try {
    const report: DoctorReport = {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: os.availableParallelism(),
      backends: runtime.backends(),
    };
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return 0;
  } finally {
    await runtime.close();
  }
}

function formatReport(report: DoctorReport): string {
  const header = ['backend', 'available', 'threads', 'simd', 'reason / note'];
  const rows = report.backends.map((b) => [b.name, b.available ? 'yes' : 'no', b.threads === undefined ? '-' : String(b.threads), b.simd ?? '-', b.reason ?? b.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = [
    `hotpath doctor`,
    `node ${report.node}, ${report.platform}/${report.arch}, ${report.cpus} CPUs`,
    '',
    line(header),
    ...rows.map(line),
  ];
  return `${lines.join('\n')}\n`;
}
