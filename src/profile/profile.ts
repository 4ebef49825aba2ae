/**
 * `hotpath profile` without the printing: runs the program under the profilers, reads what
 * every thread wrote and makes the ProfileReport (see report.ts for its shape).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail } from '../errors.js';
import { analyze, type Analysis } from './analyze.js';
import { hotpathRoot, parseCommand, runProgram } from './launch.js';
import type { ThreadRecord } from './preload.js';
import { mergeKernels, share, topFunctions, type ProfileReport } from './report.js';
import { verdictOf } from './verdict.js';
import { readProfiles, type ThreadProfile } from './cpuprofile.js';
import type { SourceMapPayload } from 'node:module';
import { sourcePosition } from './sourceMaps.js';

export interface ProfileOptions {
  /** Send the program's stdout to stderr (so that --json stays alone on stdout). */
  readonly programStdoutToStderr?: boolean;
  /** Keep the raw profiles in this folder instead of a temporary one. */
  readonly keepDir?: string;
  /** Sampling interval in µs (node's --cpu-prof-interval; its default is 1000). */
  readonly intervalUs?: number;
  /** Functions listed (default 15). */
  readonly top?: number;
  readonly cwd?: string;
}

/** The report and what the HTML flame chart needs besides it. */
export interface ProfileResult {
  readonly report: ProfileReport;
  readonly profiles: readonly ThreadProfile[];
  readonly records: readonly ThreadRecord[];
  readonly analysis: Analysis;
}

/**
 * Profiles `node app.js [args]` to its end.
 * @example const { report } = await profileProgram(['node', 'app.js']); report.verdict.text
 * @throws ARGUMENT for a command that is not `node ... script`, IO when the program wrote no
 *   profile (killed by a signal, or node could not start it)
 */
export async function profileProgram(argv: readonly string[], options: ProfileOptions = {}): Promise<ProfileResult> {
  const command = parseCommand(argv);
  const cwd = options.cwd ?? process.cwd();
  const dir = options.keepDir ?? mkdtempSync(path.join(os.tmpdir(), 'hotpath-profile-'));
  try {
    const exit = await runProgram(command, dir, options.programStdoutToStderr === true ? 'stderr' : 'inherit', cwd, options.intervalUs);
    const all = readProfiles(dir);
    const main = all.find((p) => p.threadId === 0);
    if (main === undefined) {
      return fail({ code: 'IO', kernel: 'profile', problem: 'the program wrote no CPU profile', expected: 'a program that exits by itself (or by process.exit)', received: exit.signal !== null ? `ended by ${exit.signal}` : `exit code ${String(exit.code)}`, hint: 'a program killed by a signal writes no profile; node must be version 20 or later' });
    }
    // Only the program's own process: node processes it spawned are not profiled.
    const profiles = all.filter((p) => p.pid === main.pid);
    const records = readRecords(dir, main.pid);
    const mainRecord = records.find((r) => r.isMainThread);
    const maps = (mainRecord?.sourceMaps ?? {}) as Record<string, SourceMapPayload>;
    const analysis = withSourceLines(analyze(profiles, hotpathRoot(), mainRecord?.startedUs), maps);
    const report = reportOf(argv, exit, analysis, records, cwd, options.top ?? 15);
    return { report, profiles, records, analysis };
  } finally {
    if (options.keepDir === undefined) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function reportOf(argv: readonly string[], exit: { code: number | null; signal: string | null }, a: Analysis, records: readonly ThreadRecord[], cwd: string, top: number): ProfileReport {
  const mainRecord = records.find((r) => r.isMainThread);
  const kernels = mergeKernels(records);
  const functions = topFunctions(a, cwd, top);
  const busyShare = share(a.busyUs, a.wallUs);
  const hotpathShare = share(a.byCategory.hotpath, a.cpuUs);
  const ms = (us: number): number => Math.round(us / 10) / 100;
  const notes: string[] = [];
  if (mainRecord === undefined) {
    notes.push('no kernel data or process CPU time: the program ended before the preload could write them (killed, or an uncaught error before exit)');
  }
  const dropped = records.reduce((n, r) => n + r.kernels.droppedSpans, 0);
  if (dropped > 0) {
    notes.push(`${dropped} kernel calls past the span limit are counted in the totals but not drawn`);
  }
  return {
    version: 1,
    command: [...argv],
    exit,
    node: mainRecord?.node ?? process.version,
    wallMs: ms(a.wallUs),
    cpuMs: mainRecord === undefined ? null : Math.round((mainRecord.cpuUserUs + mainRecord.cpuSystemUs) / 10) / 100,
    busyShare,
    eventLoopUtilization: mainRecord === undefined ? null : Math.round(mainRecord.elu.utilization * 10000) / 10000,
    sampledCpuMs: ms(a.cpuUs),
    cpu: { userMs: ms(a.byCategory.user), hotpathMs: ms(a.byCategory.hotpath), gcMs: ms(a.byCategory.gc), nodeMs: ms(a.byCategory.node), programMs: ms(a.byCategory.program) },
    gcShare: share(a.byCategory.gc, a.cpuUs),
    hotpathShare,
    samples: a.samples,
    sampleIntervalMs: Math.round(a.intervalUs) / 1000,
    threads: a.threads.map((t) => ({ threadId: t.threadId, kind: t.kind, samples: t.samples, cpuMs: ms(t.cpuUs), idleMs: ms(t.idleUs), waitMs: ms(t.waitUs) })),
    functions,
    kernels,
    verdict: verdictOf({ busyShare, functions: topFunctions(a, cwd, 50), hotpathShare, kernels: kernels.map((k) => `${k.kernel} on ${k.backend}`) }),
    notes,
  };
}

/** Functions of TypeScript files run through tsx, at their lines in the .ts file. */
function withSourceLines(a: Analysis, maps: Record<string, SourceMapPayload>): Analysis {
  if (Object.keys(maps).length === 0) {
    return a;
  }
  const functions = a.functions.map((f) => {
    const at = sourcePosition(maps, f.url, f.line, f.column);
    return at === undefined ? f : { ...f, line: at.line };
  });
  return { ...a, functions };
}

function readRecords(dir: string, pid: number): ThreadRecord[] {
  const out: ThreadRecord[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`hotpath.${pid}.`) || !name.endsWith('.json')) {
      continue;
    }
    try {
      out.push(JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as ThreadRecord);
    } catch {
      // A thread cut off while writing: its kernel calls are missing, the rest stands.
    }
  }
  return out;
}
