/**
 * One start of the wasm pool: its manager thread (which starts and owns the workers), fresh
 * shared buffers, and the checks the calling thread makes while it blocks: which workers are
 * done with a generation, and whether the epoch can still finish one (workers alive, manager
 * beating, workers started in time). Retiring an epoch stops its workers and waits, bounded,
 * until every one of them is confirmed gone, so no worker of it writes to the heap afterwards.
 */
import { Worker } from 'node:worker_threads';
import { MANAGER_SOURCE } from './manager.js';
import { ARGS_PER_WORKER, CONTROL, CONTROL_WORDS, HEARTBEAT_MS, POOL_CONSTANTS, STATE, type ManagerInit, type ManagerMessage, type WorkerModule } from './protocol.js';

/** How long the caller sleeps between liveness checks while it waits (ms). */
export const POLL_MS = 50;
/** A worker not ready this long after the epoch started fails the call (ms). */
const START_DEADLINE_MS = 30_000;
/** A manager whose heartbeat stood still this long is taken for dead (ms; it beats every 100). */
const SILENT_MS = 10_000;
/** How long retiring waits for the workers to be confirmed gone (ms). */
const STOP_DEADLINE_MS = 10_000;

export interface EpochSetup {
  /** What every worker instantiates, in order. */
  readonly modules: readonly WorkerModule[];
  readonly memory: WebAssembly.Memory;
  /** Workers to start. */
  readonly count: number;
  /** Worker script (JavaScript, evaluated). */
  readonly source: string;
}

export class Epoch {
  readonly words: Int32Array;
  readonly args: Float64Array;
  /** Per worker: its last share's start and end (monotonic ms) while timing is on. */
  readonly times: Float64Array;
  readonly count: number;
  /** The last generation posted (the control word holds the same). */
  generation = 0;
  private readonly states: Int32Array;
  private readonly done: Int32Array;
  private readonly manager: Worker;
  private readonly startedAt = performance.now();
  private beat = 0;
  private beatAt = performance.now();
  /** Set on the event loop when the manager thread exited (its workers are gone with it). */
  private exited = false;
  private stopping: Promise<number> | null = null;

  /** @throws whatever `new Worker` throws when the manager cannot start */
  constructor(setup: EpochSetup) {
    const buffer = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(8, bytes));
    const init: ManagerInit = {
      modules: setup.modules,
      memory: setup.memory,
      count: setup.count,
      source: setup.source,
      constants: POOL_CONSTANTS,
      control: buffer(CONTROL_WORDS * 4),
      args: buffer(setup.count * ARGS_PER_WORKER * 8),
      states: buffer(setup.count * 4),
      done: buffer(setup.count * 4),
      times: buffer(setup.count * 16),
    };
    this.count = setup.count;
    this.words = new Int32Array(init.control);
    this.times = new Float64Array(init.times);
    this.args = new Float64Array(init.args);
    // Exactly `count` words: buffers are at least 8 bytes, and with one worker a second word
    // would read as a worker forever 'starting' (the pool then died 30 s after it started).
    this.states = new Int32Array(init.states, 0, setup.count);
    this.done = new Int32Array(init.done, 0, setup.count);
    this.manager = new Worker(MANAGER_SOURCE, { eval: true, workerData: init });
    this.manager.unref();
    this.manager.on('error', () => undefined);
    this.manager.on('exit', () => {
      this.exited = true;
    });
  }

  /** Posts generation + 1 (its arguments are already in `args`) and wakes the workers. */
  post(): number {
    Atomics.store(this.words, CONTROL.failedWorker, 0);
    this.generation++;
    Atomics.store(this.words, CONTROL.generation, this.generation);
    Atomics.notify(this.words, CONTROL.generation);
    return this.generation;
  }

  /**
   * Workers not yet done with the current generation. Every worker's done word is the current
   * generation or the one before; anything else means the protocol broke.
   * @returns the count, or a description of the broken word
   */
  pending(): number | string {
    let pending = 0;
    for (let i = 0; i < this.count; i++) {
      const done = Atomics.load(this.done, i);
      if (done === this.generation - 1) {
        pending++;
      } else if (done !== this.generation) {
        return `worker ${i + 1} reported generation ${done} during generation ${this.generation}`;
      }
    }
    return pending;
  }

  /** Why this epoch cannot finish a job (a worker or the manager died, or a worker is late), or null. */
  problem(): string | null {
    if (this.exited) {
      return 'the pool manager thread exited';
    }
    const gone = this.states.findIndex((s) => s === STATE.gone);
    if (gone >= 0) {
      return `wasm worker ${gone + 1} died`;
    }
    const now = performance.now();
    const beat = Atomics.load(this.words, CONTROL.heartbeat);
    if (beat !== this.beat) {
      this.beat = beat;
      this.beatAt = now;
    }
    if (now - this.beatAt > (beat === 0 ? START_DEADLINE_MS : SILENT_MS)) {
      return `the pool manager thread stopped answering (no heartbeat for ${Math.round(now - this.beatAt)} ms; it beats every ${HEARTBEAT_MS} ms)`;
    }
    const late = this.states.findIndex((s) => s === STATE.starting);
    if (late >= 0 && now - this.startedAt > START_DEADLINE_MS) {
      return `wasm worker ${late + 1} did not start within ${START_DEADLINE_MS / 1000} s`;
    }
    return null;
  }

  /** Index + 1 of a worker whose call threw during the current generation, or 0. */
  failedWorker(): number {
    return Atomics.load(this.words, CONTROL.failedWorker);
  }

  /** Sleeps until a worker signals or POLL_MS pass; `seen` is the signal word read before the checks. */
  sleep(seen: number): void {
    Atomics.wait(this.words, CONTROL.signal, seen, POLL_MS);
  }

  signal(): number {
    return Atomics.load(this.words, CONTROL.signal);
  }

  /**
   * Stops every worker and waits until each is confirmed gone (it left its loop, or the
   * manager saw its thread exit), at most STOP_DEADLINE_MS.
   * @returns whether all were confirmed; if not, some may still run and the caller must not
   *   start a fresh pool before `confirmStopped` says so
   */
  retire(): boolean {
    Atomics.store(this.words, CONTROL.stop, 1);
    Atomics.notify(this.words, CONTROL.generation);
    this.send({ type: 'stop' });
    return this.confirmStopped();
  }

  /** Waits (at most STOP_DEADLINE_MS) until every worker is gone. */
  confirmStopped(): boolean {
    const deadline = performance.now() + STOP_DEADLINE_MS;
    for (;;) {
      const seen = this.signal();
      if (this.exited || this.states.every((s) => s === STATE.gone)) {
        return true;
      }
      if (performance.now() > deadline) {
        return false;
      }
      this.sleep(seen);
    }
  }

  /** Ends the manager thread (and with it every worker of this epoch). */
  terminate(): Promise<number> {
    Atomics.store(this.words, CONTROL.stop, 1);
    Atomics.notify(this.words, CONTROL.generation);
    this.stopping ??= this.manager.terminate();
    return this.stopping;
  }

  /** Asks the manager to terminate one worker, as a crash would (tests). */
  terminateWorker(index: number): void {
    this.send({ type: 'terminate', index });
  }

  /** Each worker's state, for tests and diagnostics. */
  workerStates(): ('starting' | 'ready' | 'gone')[] {
    return Array.from(this.states, (s) => (s === STATE.ready ? 'ready' : s === STATE.gone ? 'gone' : 'starting'));
  }

  private send(message: ManagerMessage): void {
    if (!this.exited && this.stopping === null) {
      this.manager.postMessage(message);
    }
  }
}
