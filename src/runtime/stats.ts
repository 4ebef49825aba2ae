/**
 * Per-kernel statistics: calls, total and p50/p99 time, backends used, fallbacks with reasons,
 * implicit copies and verify results. Owned by one runtime.
 */

/** Time samples kept per kernel for percentiles (the most recent ones). */
const WINDOW = 1024;

export interface KernelStats {
  readonly calls: number;
  readonly totalMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Calls per backend name. */
  readonly backends: Readonly<Record<string, number>>;
  /** Calls per number of threads they ran on (caller included): `{ '1': 3, '2': 10 }`. */
  readonly threads: Readonly<Record<string, number>>;
  /** Count per reason a preferred backend was passed over. */
  readonly fallbacks: Readonly<Record<string, number>>;
  readonly verified: number;
}

export interface RuntimeStats {
  readonly kernels: Readonly<Record<string, KernelStats>>;
  /** Copies made implicitly (data handed in from a plain array, layout conversions). */
  readonly copies: Readonly<Record<string, number>>;
}

interface Entry {
  calls: number;
  totalMs: number;
  samples: number[];
  next: number;
  backends: Record<string, number>;
  threads: Record<string, number>;
  fallbacks: Record<string, number>;
  verified: number;
}

export class StatsRecorder {
  private readonly entries = new Map<string, Entry>();
  private readonly copies: Record<string, number> = {};

  record(kernel: string, backend: string, ms: number, fallbacks: readonly string[], threads = 1): void {
    const e = this.entry(kernel);
    e.calls++;
    e.totalMs += ms;
    if (e.samples.length < WINDOW) {
      e.samples.push(ms);
    } else {
      e.samples[e.next] = ms;
      e.next = (e.next + 1) % WINDOW;
    }
    e.backends[backend] = (e.backends[backend] ?? 0) + 1;
    e.threads[threads] = (e.threads[threads] ?? 0) + 1;
    for (const reason of fallbacks) {
      e.fallbacks[reason] = (e.fallbacks[reason] ?? 0) + 1;
    }
  }

  recordVerified(kernel: string): void {
    this.entry(kernel).verified++;
  }

  recordCopy(reason: string): void {
    this.copies[reason] = (this.copies[reason] ?? 0) + 1;
  }

  snapshot(): RuntimeStats {
    const kernels: Record<string, KernelStats> = {};
    for (const [name, e] of this.entries) {
      const sorted = [...e.samples].sort((x, y) => x - y);
      kernels[name] = {
        calls: e.calls,
        totalMs: e.totalMs,
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        backends: { ...e.backends },
        threads: { ...e.threads },
        fallbacks: { ...e.fallbacks },
        verified: e.verified,
      };
    }
    return { kernels, copies: { ...this.copies } };
  }

  private entry(kernel: string): Entry {
    let e = this.entries.get(kernel);
    if (e === undefined) {
      e = { calls: 0, totalMs: 0, samples: [], next: 0, backends: {}, threads: {}, fallbacks: {}, verified: 0 };
      this.entries.set(kernel, e);
    }
    return e;
  }
}

/** Nearest-rank quantile of sorted samples; 0 when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
