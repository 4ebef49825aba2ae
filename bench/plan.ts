/**
 * What runs at which size: the memory-bound workloads' shape and repeats, the projection that
 * skips a contender whose call would blow the per-call budget, and the plain-function contender
 * (naive loops), and the wrapper that holds a contender's first result to a reference.
 */
import type { Contender, Prepared, Row } from './harness.js';

/** [rows, cols] of the memory-bound workloads (softmax, layerNorm, add): 16 MiB per tensor. */
export function memoryBoundShape(quick: boolean): [number, number] {
  return quick ? [256, 1024] : [4096, 1024];
}

export function memoryBoundSchedule(quick: boolean): { warmup: number; repeats: number } {
  return quick ? { warmup: 1, repeats: 3 } : { warmup: 2, repeats: 11 };
}

/** A contender that is one plain function call (naive loops): nothing to set up or release. */
export function plainContender(name: string, note: string, call: () => ArrayLike<number>, skip?: string): Contender {
  return {
    name,
    note,
    ...(skip === undefined ? {} : { skip }),
    setup: (): Prepared<ArrayLike<number>> => ({
      call,
      output: (out) => out,
      release: () => undefined,
      dispose: () => undefined,
    }),
  };
}

/**
 * `c` with its first result (outside the timing, before its release) held to a reference:
 * `error(output)` goes to `errors` under its name.
 */
export function measured(c: Contender, errors: Map<string, number>, error: (out: ArrayLike<number>) => number): Contender {
  return {
    ...c,
    async setup(): Promise<Prepared<unknown>> {
      const p = await c.setup();
      return {
        ...p,
        release: (out) => {
          if (!errors.has(c.name)) {
            errors.set(c.name, error(p.output(out)));
          }
          p.release(out);
        },
      };
    },
  };
}

/**
 * Remembers each contender's median at the previous size of a workload and skips, with the
 * estimate, those projected to need more than the per-call budget at the next size.
 */
export class Projector {
  private readonly last = new Map<string, { size: number; ms: number }>();

  /** `cost(size)` is the work at a size in any unit (n^3 for matmul, seconds for stft). */
  constructor(private readonly budgetMs: number, private readonly cost: (size: number) => number, private readonly label: (size: number) => string) {}

  record(rows: readonly Row[], size: number): void {
    for (const row of rows) {
      if (row.status === 'ok') {
        this.last.set(row.contender, { size, ms: row.medianMs! });
      }
    }
  }

  /** The skip reason for `name` at `size`, or undefined when it fits the budget (or is unknown). */
  skip(name: string, size: number): string | undefined {
    const prev = this.last.get(name);
    if (prev === undefined) {
      return undefined;
    }
    const factor = this.cost(size) / this.cost(prev.size);
    const ms = prev.ms * factor;
    if (ms <= this.budgetMs) {
      return undefined;
    }
    return `projected ${(ms / 1000).toFixed(1)} s per call (${this.label(prev.size)} median x ${factor.toFixed(0)}), over the ${this.budgetMs / 1000} s per-call budget (--budget)`;
  }
}
