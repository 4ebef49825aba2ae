/**
 * The result of `hotpath profile`, as printed by --json. The shape is stable: fields may be
 * added, none renamed or removed without a new `version`. Times are milliseconds, shares are
 * fractions in [0, 1].
 */
import path from 'node:path';
import type { Analysis, FunctionTime } from './analyze.js';
import { pathOfUrl } from './classify.js';
import type { KernelTotals } from './kernelLog.js';
import type { ThreadRecord } from './preload.js';
import type { Verdict } from './verdict.js';

export interface ProfileFunction {
  readonly name: string;
  /** `file:line` (file relative to the current folder when inside it). */
  readonly location: string;
  readonly selfMs: number;
  readonly totalMs: number;
  /** Of all threads' CPU time. */
  readonly selfShare: number;
  readonly totalShare: number;
  /** Code of hotpath itself: already ported. */
  readonly hotpath: boolean;
}

export interface ProfileKernel {
  readonly kernel: string;
  readonly backend: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  /** Achieved over the calls' wall time, from the kernels' cost(). */
  readonly gflops: number;
  readonly gbps: number;
  readonly copies: number;
  readonly fallbacks: number;
  readonly copyReasons: readonly string[];
  readonly fallbackReasons: readonly string[];
  readonly verifyFailed: number;
  readonly threads: number;
}

export interface ProfileReport {
  readonly version: 1;
  readonly command: readonly string[];
  readonly exit: { readonly code: number | null; readonly signal: string | null };
  readonly node: string;
  /** Wall time of the main thread's profile; cpuMs is the process's (all threads) from process.cpuUsage() at exit. */
  readonly wallMs: number;
  readonly cpuMs: number | null;
  /** Share of the wall time when at least one thread ran code (the rest: idle, waiting on I/O or timers). */
  readonly busyShare: number;
  /** Main thread's event-loop utilisation (performance.eventLoopUtilization) over its life. */
  readonly eventLoopUtilization: number | null;
  /** CPU time from the samples, summed over threads, and its parts. */
  readonly sampledCpuMs: number;
  readonly cpu: { readonly userMs: number; readonly hotpathMs: number; readonly gcMs: number; readonly nodeMs: number; readonly programMs: number };
  readonly gcShare: number;
  readonly hotpathShare: number;
  readonly samples: number;
  readonly sampleIntervalMs: number;
  readonly threads: readonly { readonly threadId: number; readonly kind: string; readonly samples: number; readonly cpuMs: number; readonly idleMs: number; readonly waitMs: number }[];
  /** Top functions by self time. */
  readonly functions: readonly ProfileFunction[];
  readonly kernels: readonly ProfileKernel[];
  readonly verdict: Verdict;
  /** What is missing or partial (no preload data, kernel spans past the limit), one sentence each. */
  readonly notes: readonly string[];
}

const ms = (us: number): number => Math.round(us / 10) / 100;

/** A function as reported: location relative to `cwd`. */
export function functionOf(f: FunctionTime, cpuUs: number, cwd: string): ProfileFunction {
  return { name: f.name, location: `${displayPath(f.url, cwd)}:${f.line}`, selfMs: ms(f.selfUs), totalMs: ms(f.totalUs), selfShare: share(f.selfUs, cpuUs), totalShare: share(f.totalUs, cpuUs), hotpath: f.hotpath };
}

/** The top `limit` functions by self time. */
export function topFunctions(a: Analysis, cwd: string, limit: number): ProfileFunction[] {
  return a.functions.slice(0, limit).filter((f) => f.selfUs > 0).map((f) => functionOf(f, a.cpuUs, cwd));
}

/** Kernel totals of every thread, merged per kernel and backend, by total time. */
export function mergeKernels(records: readonly ThreadRecord[]): ProfileKernel[] {
  const merged = new Map<string, KernelTotals>();
  for (const r of records) {
    for (const t of r.kernels.totals) {
      const key = `${t.kernel}\u0000${t.backend}`;
      const m = merged.get(key);
      if (m === undefined) {
        merged.set(key, { ...t, copyReasons: [...t.copyReasons], fallbackReasons: [...t.fallbackReasons] });
        continue;
      }
      m.calls += t.calls;
      m.totalMs += t.totalMs;
      m.flops += t.flops;
      m.bytes += t.bytes;
      m.copies += t.copies;
      m.fallbacks += t.fallbacks;
      m.verifyFailed += t.verifyFailed;
      m.threads = Math.max(m.threads, t.threads);
      m.copyReasons.push(...t.copyReasons.filter((x) => !m.copyReasons.includes(x)));
      m.fallbackReasons.push(...t.fallbackReasons.filter((x) => !m.fallbackReasons.includes(x)));
    }
  }
  return [...merged.values()]
    .sort((a, b) => b.totalMs - a.totalMs)
    .map((t) => ({
      kernel: t.kernel,
      backend: t.backend,
      calls: t.calls,
      totalMs: round(t.totalMs),
      meanMs: round(t.totalMs / t.calls, 4),
      gflops: t.totalMs > 0 ? round(t.flops / (t.totalMs * 1e6)) : 0,
      gbps: t.totalMs > 0 ? round(t.bytes / (t.totalMs * 1e6)) : 0,
      copies: t.copies,
      fallbacks: t.fallbacks,
      copyReasons: t.copyReasons,
      fallbackReasons: t.fallbackReasons,
      verifyFailed: t.verifyFailed,
      threads: t.threads,
    }));
}

/** `url` as a path relative to `cwd` when it lies inside it. */
export function displayPath(url: string, cwd: string): string {
  const p = pathOfUrl(url);
  if (!path.isAbsolute(p)) {
    return p;
  }
  const rel = path.relative(cwd, p);
  return rel.startsWith('..') ? p : rel;
}

export function share(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10000) / 10000 : 0;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
