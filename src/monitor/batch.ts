/**
 * The runtime's own monitoring (stats, OpenTelemetry) receives kernel calls in batches instead of
 * one by one. A call only appends a small record (what ran, when, for how long, on how many
 * threads); the records become KernelCall events and reach the observers together: at the end
 * of the current event-loop turn and before stats() or close() read them; in a loop that never
 * yields, BATCH_SLICE at a time once BATCH_CAPACITY are waiting.
 *
 * Why: right after a kernel that streamed megabytes through the caches, an observer's code and
 * data are cold, and the same bookkeeping that costs 0.3 us in a loop of tiny calls cost 2-4 us
 * (measured on softmax [512,512], 2 threads); in a batch it runs hot, and the call returns
 * sooner. Observers that must see a call before the call returns (user hooks, traces) stay on
 * the synchronous chain (chain.ts).
 *
 * An observer that needs something only available while the call runs (OpenTelemetry's active
 * context, the parent of the kernel's span) asks for it with `capture`, called at record time.
 */
import type { CallObserver, KernelCall } from './call.js';

/** An observer of batched calls. */
export interface BatchedObserver {
  /** Called while the call is recorded; its value comes back with the call. */
  readonly capture?: () => unknown;
  readonly observe: (call: KernelCall, captured: unknown) => void;
}

/** A recorded call: the event itself, or what builds it. */
type Pending = { readonly call: KernelCall; readonly captured: readonly unknown[] | undefined } | { readonly build: () => KernelCall; readonly captured: readonly unknown[] | undefined };

/**
 * Calls waiting before a call delivers some of them itself (a few kB of records): a call that
 * finds BATCH_CAPACITY waiting delivers the oldest BATCH_SLICE (in a loop that never yields,
 * every BATCH_SLICE-th call does), so no single call pays for a whole batch. Delivering all 256 at once made one push in 256 of a whisper-80 stream take 0.18-0.20 ms
 * instead of 0.01, and those 0.4% alone moved the per-push p99 from 0.023 to 0.046 ms. Outside
 * tight loops the end-of-turn delivery (setImmediate) comes first.
 */
export const BATCH_CAPACITY = 256;
/** Calls delivered by each call once BATCH_CAPACITY are waiting (more than the one it adds). */
export const BATCH_SLICE = 16;

export class CallBatch {
  private observers: BatchedObserver[];
  private pending: Pending[] = [];
  /** pending[head..] are not delivered yet (head > 0 only while a delivery runs). */
  private head = 0;
  private scheduled: { unref(): void } | undefined;
  private capturing = false;

  constructor(initial: readonly BatchedObserver[]) {
    this.observers = [...initial];
    this.capturing = this.observers.some((o) => o.capture !== undefined);
  }

  /** Observers now (0: calls need not be recorded). */
  get size(): number {
    return this.observers.length;
  }

  /**
   * Adds an observer; it sees calls recorded from now on (earlier ones are delivered first).
   * Returns the function that removes it, after delivering what it is owed.
   */
  add(observer: BatchedObserver): () => void {
    this.flush();
    this.observers = [...this.observers, observer];
    this.capturing ||= observer.capture !== undefined;
    return () => {
      this.flush();
      this.observers = this.observers.filter((o) => o !== observer);
      this.capturing = this.observers.some((o) => o.capture !== undefined);
    };
  }

  /** Records a call whose event is already built (a synchronous observer needed it). */
  push(call: KernelCall): void {
    this.enqueue({ call, captured: this.capture() });
  }

  /** Records a call; `build` makes its event at delivery (it must only read what stays valid). */
  record(build: () => KernelCall): void {
    this.enqueue({ build, captured: this.capture() });
  }

  /** Delivers every recorded call, in order. */
  flush(): void {
    this.deliver(Infinity);
  }

  /** Delivers up to `max` of the oldest recorded calls, in order. */
  private deliver(max: number): void {
    const batch = this.pending;
    const end = Math.min(batch.length, this.head + max);
    // The observers the calls were recorded with (captured values are in this order): add() and
    // its remover flush everything first, so every waiting call saw these.
    const observers = this.observers;
    let removed: Set<BatchedObserver> | undefined;
    // A nested delivery (an observer's own kernel calls) may have emptied and replaced the list.
    while (this.pending === batch && this.head < end) {
      const p = batch[this.head]!;
      // Advanced first: an observer that runs a kernel records (and may deliver) calls itself.
      this.head++;
      const call = 'call' in p ? p.call : p.build();
      for (let i = 0; i < observers.length; i++) {
        const observer = observers[i]!;
        if (removed?.has(observer) === true) {
          continue;
        }
        try {
          observer.observe(call, p.captured?.[i]);
        } catch (error) {
          (removed ??= new Set()).add(observer);
          this.observers = this.observers.filter((o) => o !== observer);
          this.capturing = this.observers.some((o) => o.capture !== undefined);
          process.emitWarning(`hotpath: a kernel-call observer threw and was removed: ${error instanceof Error ? error.message : String(error)}`, { code: 'HOTPATH_OBSERVER' });
        }
      }
    }
    if (this.pending === batch && this.head > 0) {
      // Delivered records are dropped at once (a loop that never yields would otherwise keep
      // every record it ever made); a partial delivery copies the few still waiting.
      this.pending = this.head === batch.length ? [] : batch.slice(this.head);
      this.head = 0;
    }
  }

  private capture(): readonly unknown[] | undefined {
    return this.capturing ? this.observers.map((o) => o.capture?.()) : undefined;
  }

  private enqueue(p: Pending): void {
    this.pending.push(p);
    if (this.pending.length - this.head >= BATCH_CAPACITY) {
      this.deliver(BATCH_SLICE);
    }
    if (this.scheduled === undefined && this.pending.length > this.head) {
      // Once per batch; unref'd, so a pending delivery never keeps the process alive.
      this.scheduled = setImmediate(() => {
        this.scheduled = undefined;
        this.flush();
      });
      this.scheduled.unref();
    }
  }
}

/** A plain observer as a batched one (no capture). */
export function batched(observer: CallObserver): BatchedObserver {
  return { observe: (call) => observer(call) };
}
