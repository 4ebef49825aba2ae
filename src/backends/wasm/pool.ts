/**
 * The wasm worker pool: `threads - 1` workers plus the calling thread, all running one module
 * over one shared memory. A job is one export called with a different argument list per thread
 * (usually a row range). Dispatch is a store and an Atomics.notify; the caller runs its own
 * share, then waits on the pending count. Workers start lazily on the first parallel job and
 * are unref'd so they never keep the process alive. A worker whose call throws, that fails to
 * start (or is not ready within 30 s) or that leaves its loop fails the job with BACKEND
 * instead of a hang, and a dead worker is replaced before the next job. One case stays
 * invisible while the caller blocks: a worker terminated from outside mid-call (Node reports
 * that only on the event loop); hotpath itself never does that.
 */
import { Worker } from 'node:worker_threads';
import { fail } from '../../errors.js';
import { ARGS_PER_WORKER, CONTROL, CONTROL_WORDS, STATE, type WorkerInit } from './protocol.js';

/** How long the caller sleeps between liveness checks while workers run (ms). */
const POLL_MS = 50;
/** A worker not ready this long after its start fails the call (ms). */
const START_DEADLINE_MS = 30_000;

export type Export = (...args: number[]) => number | void;

export class Pool {
  readonly threads: number;
  private readonly module: WebAssembly.Module;
  private readonly memory: WebAssembly.Memory;
  private readonly names: readonly string[];
  private readonly local: Readonly<Record<string, Export>>;
  private readonly control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  private readonly words = new Int32Array(this.control);
  private readonly argBuffer: SharedArrayBuffer;
  private readonly args: Float64Array;
  private readonly stateBuffer: SharedArrayBuffer;
  private readonly states: Int32Array;
  private workers: Worker[] = [];
  private startedAt = 0;
  /** The most threads one job used since resetUsage(): what a kernel call really split into. */
  private used = 0;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, names: readonly string[]) {
    this.module = module;
    this.memory = memory;
    this.threads = threads;
    this.names = names;
    const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => undefined } });
    this.local = instance.exports as Record<string, Export>;
    this.argBuffer = new SharedArrayBuffer(Math.max(1, threads - 1) * ARGS_PER_WORKER * 8);
    this.args = new Float64Array(this.argBuffer);
    this.stateBuffer = new SharedArrayBuffer(Math.max(1, threads - 1) * 4);
    this.states = new Int32Array(this.stateBuffer);
  }

  /** An export run on the calling thread only (small calls, setup). */
  call(name: string, ...args: number[]): number | void {
    this.used = Math.max(this.used, 1);
    return this.local[name]!(...args);
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
   * @throws BACKEND when a worker's call threw or a worker died
   */
  parallel(name: string, argsOf: (thread: number) => readonly number[] | null): void {
    const own = argsOf(0);
    const others = Array.from({ length: this.threads - 1 }, (_, w) => argsOf(w + 1));
    this.used = Math.max(this.used, (own === null ? 0 : 1) + others.filter((list) => list !== null).length);
    if (others.every((list) => list === null)) {
      // Nothing for the workers: do not wake them (a small call stays a plain call).
      if (own !== null) {
        this.local[name]!(...own);
      }
      return;
    }
    const fn = this.names.indexOf(name);
    if (fn < 0 || others.some((list) => list !== null && list.length > ARGS_PER_WORKER - 2)) {
      throw new Error(`internal: ${name} is not a pool export or has more than ${ARGS_PER_WORKER - 2} arguments`);
    }
    this.start();
    let busy = 0;
    for (let w = 0; w < this.workers.length; w++) {
      const list = others[w]!;
      const slot = w * ARGS_PER_WORKER;
      this.args[slot] = fn;
      this.args[slot + 1] = list === null ? -1 : list.length;
      if (list !== null) {
        this.args.set(list, slot + 2);
        busy++;
      }
    }
    Atomics.store(this.words, CONTROL.failedWorker, 0);
    // Every worker wakes for every generation; idle ones just count down.
    Atomics.store(this.words, CONTROL.pending, this.workers.length);
    Atomics.add(this.words, CONTROL.generation, 1);
    Atomics.notify(this.words, CONTROL.generation);
    let ownError: unknown;
    try {
      if (own !== null) {
        this.local[name]!(...own);
      }
    } catch (error) {
      ownError = error;
    }
    this.waitForWorkers(name);
    if (ownError !== undefined) {
      throw ownError;
    }
    const failed = Atomics.load(this.words, CONTROL.failedWorker);
    if (failed !== 0 && busy > 0) {
      fail({ code: 'BACKEND', kernel: name, problem: `wasm worker ${failed} failed while running the call`, expected: 'every worker to finish', received: 'an exception in the worker', hint: 'rerun with require: "ref" and report the inputs' });
    }
  }

  /** Stops and forgets every worker. */
  async close(): Promise<void> {
    Atomics.store(this.words, CONTROL.stop, 1);
    Atomics.add(this.words, CONTROL.generation, 1);
    Atomics.notify(this.words, CONTROL.generation);
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
    Atomics.store(this.words, CONTROL.stop, 0);
    this.states.fill(STATE.starting);
  }

  private waitForWorkers(name: string): void {
    for (;;) {
      const pending = Atomics.load(this.words, CONTROL.pending);
      if (pending === 0) {
        return;
      }
      Atomics.wait(this.words, CONTROL.pending, pending, POLL_MS);
      if (Atomics.load(this.words, CONTROL.pending) === 0) {
        return;
      }
      // A worker that is gone can no longer count down: fail instead of waiting forever.
      const dead = this.deadWorker();
      const late = dead < 0 && performance.now() - this.startedAt > START_DEADLINE_MS ? this.states.findIndex((v, i) => i < this.workers.length && v === STATE.starting) : -1;
      if (dead >= 0 || late >= 0) {
        this.discard();
        fail({
          code: 'BACKEND',
          kernel: name,
          problem: dead >= 0 ? `wasm worker ${dead + 1} died during the call` : `wasm worker ${late + 1} did not start within ${START_DEADLINE_MS / 1000} s`,
          expected: 'a live worker pool',
          received: dead >= 0 ? 'a worker thread that exited' : 'a worker still starting',
          hint: 'the pool is restarted on the next call; rerun it',
        });
      }
    }
  }

  /** Index of a worker that failed to start or left its loop, or -1. */
  private deadWorker(): number {
    return this.workers.findIndex((w, i) => w.threadId === -1 || Atomics.load(this.states, i) === STATE.gone);
  }

  private discard(): void {
    const workers = this.workers;
    this.workers = [];
    workers.forEach((w) => void w.terminate());
  }

  private start(): void {
    if (this.workers.length > 0 && this.deadWorker() < 0) {
      return;
    }
    // First start, or a worker died between calls: start a fresh pool.
    this.discard();
    Atomics.store(this.words, CONTROL.generation, 0);
    this.states.fill(STATE.starting);
    this.startedAt = performance.now();
    const entry = import.meta.url.endsWith('.ts') ? new URL('./worker.mjs', import.meta.url) : new URL('./worker.js', import.meta.url);
    try {
      for (let index = 0; index < this.threads - 1; index++) {
        const init: WorkerInit = { module: this.module, memory: this.memory, control: this.control, args: this.argBuffer, states: this.stateBuffer, index, names: this.names };
        const worker = new Worker(entry, { workerData: init });
        worker.unref();
        // Failures surface through the state words; keep them off the console.
        worker.on('error', () => undefined);
        this.workers.push(worker);
      }
    } catch (error) {
      // All workers or none: a partial pool would leave rows of the output unwritten.
      this.discard();
      fail({ code: 'BACKEND', kernel: 'wasm', problem: 'could not start the worker pool', expected: `${this.threads - 1} worker threads`, received: error instanceof Error ? error.message : String(error), hint: 'use threads: 1, or require: "ref"' });
    }
  }
}
