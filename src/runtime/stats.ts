/**
 * Per-kernel statistics, kept by the first observer of the runtime's call chain: calls, time
 * (total, p50/p90/p99 from bounded-memory histograms, per kernel and per backend), achieved
 * GFLOP/s and GB/s from each kernel's cost(), backends used, fallbacks with reasons, implicit
 * copies and verify results. Owned by one runtime.
 */
import type { KernelCall } from '../monitor/call.js';
import { LatencyHistogram } from '../monitor/histogram.js';

/** Time and throughput of a kernel's calls on one backend. */
export interface BackendStats {
  readonly calls: number;
  readonly totalMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  /** Sum of cost().flops over the calls / their total time: achieved GFLOP/s. */
  readonly gflops: number;
  /** Sum of cost().bytes over the calls / their total time: achieved GB/s. */
  readonly gbps: number;
}

export interface KernelStats extends BackendStats {
  /** Calls per backend name. */
  readonly backends: Readonly<Record<string, number>>;
  /** Time and throughput per backend name. */
  readonly byBackend: Readonly<Record<string, BackendStats>>;
  /** Calls per number of threads they ran on (caller included): `{ '1': 3, '2': 10 }`. */
  readonly threads: Readonly<Record<string, number>>;
  /** Count per reason a preferred backend was passed over. */
  readonly fallbacks: Readonly<Record<string, number>>;
  /** Calls checked against the reference that agreed (verify mode). */
  readonly verified: number;
  /** Calls checked against the reference that did not (each threw MISMATCH). */
  readonly verifyFailed: number;
}

export interface RuntimeStats {
  readonly kernels: Readonly<Record<string, KernelStats>>;
  /** Copies made implicitly (data handed in from a plain array, layout conversions). */
  readonly copies: Readonly<Record<string, number>>;
}

class Timing {
  readonly histogram = new LatencyHistogram();
  flops = 0;
  bytes = 0;

  add(call: KernelCall): void {
    this.histogram.add(call.durationMs);
    this.flops += call.flops;
    this.bytes += call.bytes;
  }

  /** This timing plus `other`'s (for the kernel's total over its backends). */
  merged(other: Timing): Timing {
    const t = new Timing();
    t.histogram.merge(this.histogram);
    t.histogram.merge(other.histogram);
    t.flops = this.flops + other.flops;
    t.bytes = this.bytes + other.bytes;
    return t;
  }

  snapshot(): BackendStats {
    const h = this.histogram;
    const seconds = h.sum / 1000;
    return {
      calls: h.count,
      totalMs: h.sum,
      p50Ms: h.quantile(0.5),
      p90Ms: h.quantile(0.9),
      p99Ms: h.quantile(0.99),
      gflops: seconds > 0 ? this.flops / seconds / 1e9 : 0,
      gbps: seconds > 0 ? this.bytes / seconds / 1e9 : 0,
    };
  }
}

interface Entry {
  readonly backends: Map<string, Timing>;
  lastBackend: string;
  lastTiming: Timing | undefined;
  /** Calls by thread count (index). */
  readonly threads: number[];
  readonly fallbacks: Record<string, number>;
  verified: number;
  verifyFailed: number;
}

export class StatsRecorder {
  private readonly entries = new Map<string, Entry>();
  private readonly copies: Record<string, number> = {};
  private lastKernel = '';
  private lastEntry: Entry | undefined;

  /** The observer of the call chain (bound: pass it as is). */
  readonly observe = (call: KernelCall): void => {
    const e = this.entry(call.kernel);
    // Most calls repeat the last backend of their kernel: skip the map then.
    let timing = e.lastBackend === call.backend ? e.lastTiming : e.backends.get(call.backend);
    if (timing === undefined) {
      timing = new Timing();
      e.backends.set(call.backend, timing);
    }
    e.lastBackend = call.backend;
    e.lastTiming = timing;
    timing.add(call);
    e.threads[call.threads] = (e.threads[call.threads] ?? 0) + 1;
    for (const reason of call.fallbacks) {
      e.fallbacks[reason] = (e.fallbacks[reason] ?? 0) + 1;
    }
    for (const reason of call.copies) {
      this.recordCopy(reason);
    }
    if (call.verify === 'passed') {
      e.verified++;
    } else if (call.verify === 'failed') {
      e.verifyFailed++;
    }
  };

  /** A copy made outside a kernel call (tensor() of plain data). */
  recordCopy(reason: string): void {
    this.copies[reason] = (this.copies[reason] ?? 0) + 1;
  }

  snapshot(): RuntimeStats {
    const kernels: Record<string, KernelStats> = {};
    for (const [name, e] of this.entries) {
      const byBackend: Record<string, BackendStats> = {};
      const backends: Record<string, number> = {};
      for (const [backend, timing] of e.backends) {
        byBackend[backend] = timing.snapshot();
        backends[backend] = timing.histogram.count;
      }
      const threads: Record<string, number> = {};
      e.threads.forEach((count, n) => {
        if (count > 0) {
          threads[n] = count;
        }
      });
      const all = [...e.backends.values()].reduce((sum, t) => sum.merged(t), new Timing());
      kernels[name] = { ...all.snapshot(), backends, byBackend, threads, fallbacks: { ...e.fallbacks }, verified: e.verified, verifyFailed: e.verifyFailed };
    }
    return { kernels, copies: { ...this.copies } };
  }

  private entry(kernel: string): Entry {
    if (kernel === this.lastKernel && this.lastEntry !== undefined) {
      return this.lastEntry;
    }
    let e = this.entries.get(kernel);
    if (e === undefined) {
      e = { backends: new Map(), lastBackend: '', lastTiming: undefined, threads: [], fallbacks: {}, verified: 0, verifyFailed: 0 };
      this.entries.set(kernel, e);
    }
    this.lastKernel = kernel;
    this.lastEntry = e;
    return e;
  }
}
