/**
 * `hotpath report TRACE.json [--out REPORT.html] [--json]`: a Chrome trace (from hp.trace.stop,
 * or any Trace Event Format file) as one self-contained HTML page: per-kernel table, timeline
 * with one lane per thread (fluid at 10^5+ spans), latency CDFs, throughput over time. A
 * `hotpath bench --save` history file instead gets its runs plotted over time (gate/history.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fail } from '../errors.js';
import { renderReport } from '../report/index.js';
import { traceEventsOf, traceReport } from '../trace/traceReport.js';
import { BENCH_FORMAT, checkFile } from '../gate/format.js';
import { benchHistoryReport } from '../gate/history.js';

export interface ReportCommandOptions {
  readonly out?: string;
  readonly json?: boolean;
}

/** Writes the report and prints where; returns the exit code (0). @throws as writeReport */
export async function reportCommand(file: string, opts: ReportCommandOptions): Promise<number> {
  const summary = await writeReport(file, opts.out);
  process.stdout.write(opts.json === true ? `${JSON.stringify(summary)}\n` : `wrote ${summary.out} (${(summary.bytes / 1e6).toFixed(1)} MB): ${summary.subtitle}\n`);
  return 0;
}

/**
 * The report of trace `file`, written to `out` (default: `file` with .html).
 * @example await writeReport('trace.json') // { out: 'trace.html', bytes: 5120345, subtitle: '...' }
 * @throws IO when the trace cannot be read or the report written, FORMAT when it is not a trace
 */
export async function writeReport(file: string, outFile?: string): Promise<{ trace: string; out: string; bytes: number; subtitle: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return fail({ code: 'IO', kernel: 'report', problem: 'could not read the trace', expected: 'a readable JSON file', received: `${file}: ${error instanceof Error ? error.message : String(error)}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail({ code: 'FORMAT', kernel: 'report', problem: 'the trace is not JSON', expected: 'Chrome trace event JSON', received: `${file}: ${error instanceof Error ? error.message : String(error)}` });
  }
  // A `hotpath bench --save` history gets its own report; anything else is read as a trace.
  const isHistory = json !== null && typeof json === 'object' && (json as { format?: unknown }).format === BENCH_FORMAT;
  const spec = isHistory ? benchHistoryReport(checkFile(json, file), path.basename(file)) : traceReport(traceEventsOf(json, file), path.basename(file));
  const out = outFile ?? `${file.replace(/\.json$/i, '')}.html`;
  const html = renderReport(spec);
  try {
    await writeFile(out, html);
  } catch (error) {
    return fail({ code: 'IO', kernel: 'report', problem: 'could not write the report', expected: 'a writable file path', received: `${out}: ${error instanceof Error ? error.message : String(error)}` });
  }
  return { trace: file, out, bytes: Buffer.byteLength(html), subtitle: spec.subtitle ?? '' };
}
