/**
 * Kernel calls as Chrome trace event JSON (the Trace Event Format that Perfetto and
 * chrome://tracing open): one process, one lane (tid) per thread: the calling thread (tid 1)
 * with an "X" span per kernel call and, nested in it, the caller's share of each parallel
 * job; pool worker k (tid 1 + k) with a span per share of its own. Copies and fallbacks are
 * instant events ("i", thread scope) at the call's start, their reasons in args. Times (ts,
 * dur) are µs since the trace started.
 */
import type { KernelCall } from '../monitor/call.js';

export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'i' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  /** Scope of an instant event: 't' thread, 'g' global. */
  readonly s?: 't' | 'g';
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface ChromeTrace {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: {
    readonly producer: 'hotpath';
    /** Epoch ms of ts 0. */
    readonly originEpochMs: number;
    readonly calls: number;
    /** Earlier calls dropped because the buffer was full (it keeps the latest `capacity`). */
    readonly dropped: number;
    readonly capacity: number;
  };
}

/** tid of the calling thread; pool worker k is CALLER_TID + k. */
export const CALLER_TID = 1;

/** µs, rounded to the ns. */
const us = (ms: number): number => Math.round(ms * 1e6) / 1e3;

/**
 * The trace of `calls` (oldest first), with ts 0 at `originEpochMs`.
 * @example toChromeTrace(calls, { originEpochMs: Date.now(), pid: process.pid, dropped: 0, capacity: 1e5 })
 */
export function toChromeTrace(calls: readonly KernelCall[], meta: { originEpochMs: number; pid: number; dropped: number; capacity: number }): ChromeTrace {
  const { pid, originEpochMs } = meta;
  const at = (epochMs: number): number => us(epochMs - originEpochMs);
  const events: TraceEvent[] = [];
  const workers = new Set<number>();
  for (const call of calls) {
    const ts = at(call.startMs);
    const args: Record<string, unknown> = {
      backend: call.backend,
      dtype: call.dtype,
      shapes: call.shapes.map((s) => `[${s.join(',')}]`).join(' '),
      threads: call.threads,
      flops: call.flops,
      bytes: call.bytes,
      verify: call.verify,
    };
    if (call.fallbacks.length > 0) {
      args['fallbacks'] = call.fallbacks;
    }
    if (call.copies.length > 0) {
      args['copies'] = call.copies;
    }
    events.push({ name: call.kernel, cat: 'kernel', ph: 'X', pid, tid: CALLER_TID, ts, dur: us(call.durationMs), args });
    for (const reason of call.fallbacks) {
      events.push({ name: `fallback: ${call.kernel}`, cat: 'fallback', ph: 'i', s: 't', pid, tid: CALLER_TID, ts, args: { reason } });
    }
    for (const reason of call.copies) {
      events.push({ name: `copy: ${call.kernel}`, cat: 'copy', ph: 'i', s: 't', pid, tid: CALLER_TID, ts, args: { reason } });
    }
    for (const share of call.threadSpans ?? []) {
      if (share.thread > 0) {
        workers.add(share.thread);
      }
      events.push({ name: call.kernel, cat: 'share', ph: 'X', pid, tid: CALLER_TID + share.thread, ts: at(share.startMs), dur: us(share.durationMs), args: { thread: share.thread } });
    }
  }
  const lanes: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid, tid: CALLER_TID, args: { name: 'hotpath' } },
    { name: 'thread_name', ph: 'M', pid, tid: CALLER_TID, args: { name: 'caller (main thread)' } },
    ...[...workers].sort((a, b) => a - b).map((k): TraceEvent => ({ name: 'thread_name', ph: 'M', pid, tid: CALLER_TID + k, args: { name: `wasm worker ${k}` } })),
  ];
  if (meta.dropped > 0) {
    const first = events.find((e) => e.ts !== undefined)?.ts ?? 0;
    lanes.push({ name: 'dropped', cat: 'dropped', ph: 'i', s: 'g', pid, tid: CALLER_TID, ts: first, args: { dropped: meta.dropped, note: `the ${meta.dropped} earliest calls were dropped: the trace keeps the latest ${meta.capacity}` } });
  }
  return {
    traceEvents: [...lanes, ...events],
    displayTimeUnit: 'ms',
    otherData: { producer: 'hotpath', originEpochMs, calls: calls.length, dropped: meta.dropped, capacity: meta.capacity },
  };
}
