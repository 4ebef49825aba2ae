/**
 * The observers of a runtime's kernel calls, in order. The first (stats) is always there;
 * others come and go (tracing, OpenTelemetry, user hooks). One that throws is removed and the
 * error is reported as a process warning, so a broken hook cannot break the user's computation
 * or go unnoticed.
 */
import type { CallObserver, KernelCall } from './call.js';

export class CallChain {
  private observers: CallObserver[];

  constructor(initial: readonly CallObserver[]) {
    this.observers = [...initial];
  }

  /** How many observers there are (0: calls need not build an event). */
  get size(): number {
    return this.observers.length;
  }

  /** Adds an observer at the end; returns the function that removes it (idempotent). */
  add(observer: CallObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** Hands `call` to every observer. */
  emit(call: KernelCall): void {
    for (const observer of this.observers) {
      try {
        observer(call);
      } catch (error) {
        this.observers = this.observers.filter((o) => o !== observer);
        process.emitWarning(`hotpath: a kernel-call observer threw and was removed: ${error instanceof Error ? error.message : String(error)}`, { code: 'HOTPATH_OBSERVER' });
      }
    }
  }
}
