/**
 * The wasm worker pool: `threads - 1` workers plus the calling thread, all running the same
 * modules (the built-in one, and user kernels' modules added with addModule) over one shared
 * memory. A job is one export called with a different argument list per thread (usually a row
 * range), checked against the export's declared signature first. Dispatch is a store and an
 * Atomics.notify; the caller runs its own share, then waits until every worker marked the
 * job's generation done.
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
import { callablesOf, instantiate, workerModules, type Callable } from './callables.js';
import { Epoch } from './epoch.js';
import { checkSpec, type ModuleSpec, type PoolModule } from './modules.js';
import type { ThreadSpan } from '../../monitor/call.js';
import { ARGS_PER_WORKER, CONTROL } from './protocol.js';
import { checkArguments, type Signature } from './signatures.js';
import { workerSource } from './worker.js';

export interface PoolOptions {
  /** JavaScript each worker runs before it starts (tests use it to make a worker exit mid-call). */
  readonly prelude?: string;
}

export class Pool {
  readonly threads: number;
  private readonly memory: WebAssembly.Memory;
  /** The modules every thread runs, the built-in one (id '') first. */
  private modules: readonly PoolModule[];
  /** Each module's instance on this thread, by id. */
  private instances = new Map<string, Readonly<Record<string, unknown>>>();
  private callables: ReadonlyMap<string, Callable>;
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
  /** Set while a trace wants each thread's share of every job (see sharesOfLastRun). */
  timing = false;
  /** The shares timed since resetUsage() (a fresh array per kernel call, only while timing). */
  private shares: ThreadSpan[] = [];
  /** Epoch ms minus monotonic ms: turns the workers' process.hrtime readings into epoch ms. */
  private readonly epochOffsetMs = epochOffsetMs();

  /**
   * @param signatures the built-in module's exports the pool may call, checked against it by loadModule
   * @throws Error for a signature the pool cannot call (see uncallable in signatures.ts)
   */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, signatures: readonly Signature[], options: PoolOptions = {}) {
    this.memory = memory;
    this.threads = threads;
    const builtIn: PoolModule = { id: '', module, signatures, imports: {}, init: null };
    this.modules = [builtIn];
    this.instances.set('', instantiate(builtIn, memory));
    this.callables = callablesOf(this.modules, this.instances);
    this.source = workerSource(options.prelude);
  }

  /**
   * Adds a module (a user kernel's) that every thread runs on the same shared memory; its
   * exports are then called as `pool.parallel(\`${id}.${name}\`, …)` or `pool.call(…)`. This
   * thread instantiates it at once (running its init export); a running epoch is stopped
   * (confirmed, as close() does), so the next parallel call starts workers that instantiate
   * every module.
   * @example pool.addModule({ id: 'huber', bytes, exports: [signature('run', 'desc x out rowStart rowEnd')] })
   * @throws ARGUMENT for a taken id, a forbidden import, an export missing or of other types
   *   than declared, a memory of its own, or a data segment outside `dataWindow`
   * @throws FORMAT when `bytes` are not a well-formed wasm binary
   * @throws BACKEND when it cannot be instantiated on this thread or its init export throws
   */
  addModule(spec: ModuleSpec): void {
    const added = checkSpec(spec, (id) => this.modules.some((m) => m.id === id));
    const modules = [...this.modules, added];
    const instances = new Map(this.instances).set(added.id, instantiate(added, this.memory));
    this.callables = callablesOf(modules, instances);
    this.modules = modules;
    this.instances = instances;
    this.restart();
  }

  /**
   * Removes a module added with addModule; the workers stop as for addModule.
   * @throws ARGUMENT when no added module has this id
   */
  removeModule(id: string): void {
    if (id === '' || !this.modules.some((m) => m.id === id)) {
      fail({ code: 'ARGUMENT', kernel: 'pool.removeModule', problem: 'no such module', expected: `one of ${this.modules.filter((m) => m.id !== '').map((m) => m.id).join(', ') || '(none added)'}`, received: JSON.stringify(id) });
    }
    this.modules = this.modules.filter((m) => m.id !== id);
    this.instances.delete(id);
    this.callables = callablesOf(this.modules, this.instances);
    this.restart();
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
    if (this.timing) {
      this.shares = [];
    }
  }

  /**
   * While `timing` is on: each thread's share of every parallel job since resetUsage() (thread
   * 0 is the caller), epoch ms, at most MAX_SHARES per call (the first ones).
   */
  sharesOfLastRun(): readonly ThreadSpan[] {
    return this.shares;
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
    const timing = this.timing;
    Atomics.store(epoch.words, CONTROL.timing, timing ? 1 : 0);
    // Every worker wakes for every generation and marks it done; idle ones only mark it.
    epoch.post();
    let ownError: unknown;
    const ownStart = timing ? performance.now() : 0;
    try {
      if (own !== null) {
        callable.fn(...own);
      }
    } catch (error) {
      ownError = error;
    }
    const ownEnd = timing ? performance.now() : 0;
    this.waitFor(epoch, name);
    if (timing) {
      this.recordShares(epoch, own === null ? null : [ownStart, ownEnd], others);
    }
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

  /** The shares of the job just finished: the caller's (performance.now() ms), then each busy worker's. */
  private recordShares(epoch: Epoch, own: readonly [number, number] | null, others: readonly (readonly number[] | null)[]): void {
    const add = (thread: number, startMs: number, endMs: number): void => {
      if (this.shares.length < MAX_SHARES) {
        this.shares.push({ thread, startMs, durationMs: Math.max(0, endMs - startMs) });
      }
    };
    if (own !== null) {
      add(0, performance.timeOrigin + own[0], performance.timeOrigin + own[1]);
    }
    others.forEach((list, w) => {
      if (list !== null) {
        add(w + 1, epoch.times[2 * w]! + this.epochOffsetMs, epoch.times[2 * w + 1]! + this.epochOffsetMs);
      }
    });
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

  /** Stops the running epoch, if any, so the next parallel call starts workers with every module. */
  private restart(): void {
    if (this.epoch !== null) {
      this.retire(this.epoch);
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
      this.epoch = new Epoch({ modules: workerModules(this.modules), memory: this.memory, count: this.threads - 1, source: this.source });
      this.starts++;
    } catch (error) {
      fail({ code: 'BACKEND', kernel: 'wasm', problem: 'could not start the worker pool', expected: `${this.threads - 1} worker threads`, received: error instanceof Error ? error.message : String(error), hint: 'use threads: 1, or require: "ref"' });
    }
    return this.epoch;
  }
}

/** Most shares one kernel call keeps while tracing (a k-means fit runs thousands of jobs). */
export const MAX_SHARES = 4096;

/**
 * Epoch ms minus monotonic ms (a constant: performance.now() counts on the same clock), read
 * between two monotonic readings; the tightest of a few brackets, so a thread preempted
 * between two reads cannot skew every worker time of the pool.
 */
function epochOffsetMs(): number {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 5; i++) {
    const before = monotonicMs();
    const epoch = performance.timeOrigin + performance.now();
    const after = monotonicMs();
    if (after - before < best) {
      best = after - before;
      offset = epoch - (before + after) / 2;
    }
  }
  return offset;
}

/** The monotonic clock the workers read (process.hrtime), in ms. */
function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
