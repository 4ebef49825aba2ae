/**
 * The wasm worker pool: `threads - 1` workers plus the calling thread, all running one module
 * over one shared memory. A job is one export called with a different argument list per thread
 * (usually a row range). Dispatch is a store and an Atomics.notify; the caller runs its own
 * share, then waits until every worker marked the job's generation done.
 *
 * Workers start lazily on the first parallel job, under a manager thread (manager.ts) that sees
 * any of them exit at once, and never keep the process alive. Every wait of the caller is
 * bounded (POLL_MS) and followed by checks: a worker whose call threw fails the job with
 * BACKEND; a worker that died (crash, process.exit, terminated from outside), a manager that
 * stopped beating or a worker that never started fails it with BACKEND too, after every worker
 * of that epoch is confirmed stopped, so no row is written after the call returns. A call
 * returns normally only when every worker is done. Each start is a fresh epoch with fresh
 * shared words: a worker of an earlier epoch can never see or count down a later job.
 */
import { fail } from '../../errors.js';
import { Epoch } from './epoch.js';
import { ARGS_PER_WORKER } from './protocol.js';
import { checkArguments, describeSignature, type Signature } from './signatures.js';
import { workerSource } from './worker.js';

export type Export = (...args: number[]) => number | void;

/** An export the pool can call: its function on this thread, its index on the workers, its signature. */
interface Callable {
  readonly fn: Export;
  readonly index: number;
  readonly signature: Signature;
}

export interface PoolOptions {
  /** JavaScript each worker runs before it starts (tests use it to make a worker exit mid-call). */
  readonly prelude?: string;
}

export class Pool {
  readonly threads: number;
  private readonly module: WebAssembly.Module;
  private readonly memory: WebAssembly.Memory;
  private readonly names: readonly string[];
  private readonly callables: ReadonlyMap<string, Callable>;
  private readonly source: string;
  /** How many times the workers were started (a fresh epoch after each death). */
  starts = 0;
  private epoch: Epoch | null = null;
  /** Retired epochs whose workers were not yet confirmed stopped: no fresh epoch starts until they are. */
  private unconfirmed: Epoch[] = [];
  /** Managers being terminated (close() waits for them). */
  private ending: Promise<number>[] = [];
  /** The most threads one job used since resetUsage(): what a kernel call really split into. */
  private used = 0;

  /**
   * @param signatures the exports the pool may call, checked against the module by loadModule
   * @throws Error for a signature the pool cannot call (more than ARGS_PER_WORKER - 2
   *   parameters, or i64/v128 values, which JavaScript numbers cannot carry)
   */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, signatures: readonly Signature[], options: PoolOptions = {}) {
    this.module = module;
    this.memory = memory;
    this.threads = threads;
    this.names = signatures.map((s) => s.name);
    const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => undefined } });
    const exports = instance.exports as Record<string, Export>;
    this.callables = new Map(signatures.map((signature, index) => [signature.name, { fn: callableExport(exports, signature), index, signature }]));
    this.source = workerSource(options.prelude);
  }

  /**
   * An export run on the calling thread only (small calls, setup).
   * @throws Error `internal: …` when `name` is not a declared export or `args` do not fit its signature
   */
  call(name: string, ...args: number[]): number | void {
    const callable = this.callable(name);
    checkArguments(callable.signature, args);
    this.used = Math.max(this.used, 1);
    return callable.fn(...args);
  }

  /** Starts counting threads for one kernel call (see threadsUsed). */
  resetUsage(): void {
    this.used = 0;
  }

  /** The most threads (caller included) that one job ran on since resetUsage(). */
  get threadsUsed(): number {
    return this.used;
  }

  /**
   * Runs `name` once per thread with `argsOf(t)` (null = nothing for that thread), thread 0
   * being the caller. Returns when every thread is done.
   * @throws BACKEND when a worker's call threw, a worker died or the pool could not start
   * @throws Error `internal: …` when `name` is not a declared export or a thread's arguments do
   *   not fit its signature (nothing runs then)
   */
  parallel(name: string, argsOf: (thread: number) => readonly number[] | null): void {
    const callable = this.callable(name);
    const own = argsOf(0);
    if (own !== null) {
      checkArguments(callable.signature, own);
    }
    const others = Array.from({ length: this.threads - 1 }, (_, w) => argsOf(w + 1));
    let workers = 0;
    for (const list of others) {
      if (list !== null) {
        checkArguments(callable.signature, list);
        workers++;
      }
    }
    this.used = Math.max(this.used, (own === null ? 0 : 1) + workers);
    if (workers === 0) {
      // Nothing for the workers: do not wake them (a small call stays a plain call).
      if (own !== null) {
        callable.fn(...own);
      }
      return;
    }
    const epoch = this.ready(name);
    others.forEach((list, w) => {
      const slot = w * ARGS_PER_WORKER;
      epoch.args[slot] = callable.index;
      epoch.args[slot + 1] = list === null ? -1 : list.length;
      if (list !== null) {
        epoch.args.set(list, slot + 2);
      }
    });
    // Every worker wakes for every generation and marks it done; idle ones only mark it.
    epoch.post();
    let ownError: unknown;
    try {
      if (own !== null) {
        callable.fn(...own);
      }
    } catch (error) {
      ownError = error;
    }
    this.waitFor(epoch, name);
    if (ownError !== undefined) {
      throw ownError;
    }
    const failed = epoch.failedWorker();
    if (failed !== 0) {
      fail({ code: 'BACKEND', kernel: name, problem: `wasm worker ${failed} failed while running the call`, expected: 'every worker to finish', received: 'an exception in the worker', hint: 'rerun with require: "ref" and report the inputs' });
    }
  }

  /** Stops every worker and waits for their threads to end. */
  async close(): Promise<void> {
    const epochs = [...this.unconfirmed, ...(this.epoch === null ? [] : [this.epoch])];
    this.epoch = null;
    this.unconfirmed = [];
    const ending = [...this.ending, ...epochs.map((e) => e.terminate())];
    this.ending = [];
    await Promise.all(ending);
  }

  /** Asks the pool's manager to terminate worker `index` (0-based), as a crash would (tests). */
  terminateWorker(index: number): void {
    this.epoch?.terminateWorker(index);
  }

  /** Each worker's state in the current epoch (empty before the first parallel call). */
  workerStates(): ('starting' | 'ready' | 'gone')[] {
    return this.epoch?.workerStates() ?? [];
  }

  private callable(name: string): Callable {
    const callable = this.callables.get(name);
    if (callable === undefined) {
      throw new Error(`internal: ${name} is not a declared export of the wasm pool`);
    }
    return callable;
  }

  /** Waits, in bounded sleeps with a liveness check after each, until every worker is done. */
  private waitFor(epoch: Epoch, name: string): void {
    for (;;) {
      const seen = epoch.signal();
      const pending = epoch.pending();
      if (pending === 0) {
        return;
      }
      const problem = typeof pending === 'string' ? `the pool's count broke: ${pending}` : epoch.problem();
      if (problem !== null) {
        const stopped = this.retire(epoch);
        fail({
          code: 'BACKEND',
          kernel: name,
          problem: `${problem} during the call`,
          expected: 'every wasm worker to finish its share',
          received: stopped ? 'a pool that can no longer finish the call (its workers are stopped)' : 'a pool whose workers did not confirm they stopped within 10 s',
          hint: 'the pool is restarted on the next call; rerun it',
        });
      }
      epoch.sleep(seen);
    }
  }

  /** Stops an epoch's workers (confirmed, bounded); the manager thread ends in the background. */
  private retire(epoch: Epoch): boolean {
    if (this.epoch === epoch) {
      this.epoch = null;
    }
    const stopped = epoch.retire();
    if (stopped) {
      this.ending.push(epoch.terminate());
    } else {
      this.unconfirmed.push(epoch);
    }
    return stopped;
  }

  /** The live epoch, or a fresh one once every earlier worker is confirmed stopped. */
  private ready(name: string): Epoch {
    if (this.epoch !== null && this.epoch.problem() === null) {
      return this.epoch;
    }
    if (this.epoch !== null) {
      // A worker died between calls: it finished its last job, so its epoch only has to stop.
      this.retire(this.epoch);
    }
    this.unconfirmed = this.unconfirmed.filter((e) => !e.confirmStopped());
    if (this.unconfirmed.length > 0) {
      fail({ code: 'BACKEND', kernel: name, problem: 'the workers of the previous wasm pool have not stopped', expected: 'every earlier worker confirmed gone before a fresh pool starts', received: `${this.unconfirmed.length} pool(s) still running`, hint: 'close the runtime and create a new one, or use require: "ref"' });
    }
    try {
      this.epoch = new Epoch({ module: this.module, memory: this.memory, names: this.names, count: this.threads - 1, source: this.source });
      this.starts++;
    } catch (error) {
      fail({ code: 'BACKEND', kernel: 'wasm', problem: 'could not start the worker pool', expected: `${this.threads - 1} worker threads`, received: error instanceof Error ? error.message : String(error), hint: 'use threads: 1, or require: "ref"' });
    }
    return this.epoch;
  }
}

/**
 * An instance's export for a declared signature the pool can call.
 * @throws Error when the pool's argument slots or JavaScript numbers cannot carry the call
 */
function callableExport(exports: Readonly<Record<string, unknown>>, signature: Signature): Export {
  const fn = exports[signature.name];
  const numbers = (type: string | null | undefined): boolean => type === undefined || type === null || type === 'i32' || type === 'f32' || type === 'f64';
  if (typeof fn !== 'function') {
    throw new Error(`internal: the wasm module has no function export ${signature.name}`);
  }
  if (signature.params.length > ARGS_PER_WORKER - 2 || !signature.params.every((p) => numbers(p.type)) || !numbers(signature.result)) {
    throw new Error(`internal: the pool cannot call ${describeSignature(signature)}: at most ${ARGS_PER_WORKER - 2} parameters, of types i32, f32 or f64`);
  }
  return fn as Export;
}
