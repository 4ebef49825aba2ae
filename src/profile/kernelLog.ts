/**
 * What `hotpath profile` keeps of a program's kernel calls: totals per kernel and backend (all
 * calls), and the first SPAN_LIMIT calls as spans for the timeline. Memory stays bounded however
 * many calls the program makes (a span is 5 numbers).
 */
import type { KernelCall } from '../monitor/call.js';

/** Spans kept per thread; later calls are still counted in the totals. */
export const SPAN_LIMIT = 200_000;
/** Distinct copy / fallback reasons kept per kernel and backend. */
const REASON_LIMIT = 8;

/** Totals of one kernel on one backend. */
export interface KernelTotals {
  readonly kernel: string;
  readonly backend: string;
  calls: number;
  /** Sum of the calls' wall times, ms. */
  totalMs: number;
  flops: number;
  bytes: number;
  /** Implicit copies and fallbacks made for these calls, with up to 8 distinct reasons each. */
  copies: number;
  fallbacks: number;
  copyReasons: string[];
  fallbackReasons: string[];
  verifyFailed: number;
  /** Most threads one call ran on. */
  threads: number;
}

/** The kernel calls of one thread, as written by the preload. */
export interface KernelLogData {
  readonly totals: KernelTotals[];
  /** Names of the spans' kernels and backends (spans refer to them by index). */
  readonly names: string[];
  /** Flat [startMs (epoch), durationMs, kernel name index, backend name index, threads] per span. */
  readonly spans: number[];
  /** Calls not kept as spans (past SPAN_LIMIT). */
  readonly droppedSpans: number;
}

/**
 * Collects kernel calls. @example const log = new KernelLog(); hp.observe((c) => log.add(c)); log.data()
 */
export class KernelLog {
  private readonly totals = new Map<string, KernelTotals>();
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly spans: number[] = [];
  private dropped = 0;

  add(call: KernelCall): void {
    const key = `${call.kernel}\u0000${call.backend}`;
    let t = this.totals.get(key);
    if (t === undefined) {
      t = { kernel: call.kernel, backend: call.backend, calls: 0, totalMs: 0, flops: 0, bytes: 0, copies: 0, fallbacks: 0, copyReasons: [], fallbackReasons: [], verifyFailed: 0, threads: 0 };
      this.totals.set(key, t);
    }
    t.calls += 1;
    t.totalMs += call.durationMs;
    t.flops += call.flops;
    t.bytes += call.bytes;
    t.copies += call.copies.length;
    t.fallbacks += call.fallbacks.length;
    addReasons(t.copyReasons, call.copies);
    addReasons(t.fallbackReasons, call.fallbacks);
    t.verifyFailed += call.verify === 'failed' ? 1 : 0;
    t.threads = Math.max(t.threads, call.threads);
    if (this.spans.length < SPAN_LIMIT * 5) {
      this.spans.push(call.startMs, call.durationMs, this.indexOf(call.kernel), this.indexOf(call.backend), call.threads);
    } else {
      this.dropped += 1;
    }
  }

  data(): KernelLogData {
    return { totals: [...this.totals.values()], names: [...this.names], spans: [...this.spans], droppedSpans: this.dropped };
  }

  private indexOf(name: string): number {
    let i = this.nameIndex.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIndex.set(name, i);
    }
    return i;
  }
}

function addReasons(into: string[], reasons: readonly string[]): void {
  for (const r of reasons) {
    if (into.length < REASON_LIMIT && !into.includes(r)) {
      into.push(r);
    }
  }
}
