/**
 * One worker of the wasm pool: instantiates the pool's modules over the shared heap (running
 * each one's init export, if any), then waits
 * on its epoch's control words for jobs (see pool.ts for the protocol). It never touches the
 * event loop while waiting, so dispatch costs microseconds. It reports `ready` once
 * instantiated and `gone` when it leaves its loop; a thread that dies without running any more
 * code is reported by the manager (manager.ts), which sees its exit.
 *
 * It runs as an evaluated script (WORKER_SOURCE) that imports nothing: everything comes from
 * workerData, so it starts without loading tsx or this package's modules.
 */
import type * as WorkerThreads from 'node:worker_threads';
import type { WorkerInit } from './protocol.js';

function work(wt: typeof WorkerThreads): void {
  const init = wt.workerData as WorkerInit;
  const { words, states: STATE, argsPerWorker, idlePollMs } = init.constants;
  const control = new Int32Array(init.control);
  const states = new Int32Array(init.states);
  const done = new Int32Array(init.done);
  const times = new Float64Array(init.times);
  // The monotonic clock every thread shares (performance.now() counts from each thread's start).
  const clock = (): number => {
    const [s, ns] = process.hrtime();
    return s * 1e3 + ns / 1e6;
  };
  const signal = (): void => {
    Atomics.add(control, words.signal, 1);
    Atomics.notify(control, words.signal);
  };
  const gone = (): void => {
    Atomics.store(states, init.index, STATE.gone);
    signal();
  };
  process.on('exit', gone);
  try {
    // Every module in the pool's order; its exports' function indices follow one another.
    const fns: ((...a: number[]) => void)[] = [];
    for (const m of init.modules) {
      const abort = (): never => {
        throw new Error('wasm abort');
      };
      const instance = new WebAssembly.Instance(m.module, { env: { ...m.imports, memory: init.memory, abort } });
      if (m.init !== null) {
        (instance.exports[m.init.name] as (...a: readonly number[]) => void)(...m.init.args);
      }
      for (const name of m.names) {
        fns.push(instance.exports[name] as (...a: number[]) => void);
      }
    }
    const args = new Float64Array(init.args, init.index * argsPerWorker * 8, argsPerWorker);
    Atomics.store(states, init.index, STATE.ready);
    signal();
    let seen = 0;
    for (;;) {
      Atomics.wait(control, words.generation, seen, idlePollMs);
      if (Atomics.load(control, words.stop) !== 0) {
        break;
      }
      const generation = Atomics.load(control, words.generation);
      if (generation === seen) {
        continue;
      }
      if (generation !== seen + 1) {
        // The caller posts a job only after every worker finished the last one: a skipped
        // generation means the protocol broke. Leave (gone) rather than run a job twice or not at all.
        break;
      }
      seen = generation;
      const count = args[1]!;
      if (count >= 0) {
        const timed = Atomics.load(control, words.timing) !== 0;
        const began = timed ? clock() : 0;
        try {
          fns[args[0]!]!(...Array.from(args.subarray(2, 2 + count)));
        } catch {
          Atomics.store(control, words.failedWorker, init.index + 1);
        }
        if (timed) {
          // Plain stores, published to the caller by the done word's atomic store below.
          times[2 * init.index] = began;
          times[2 * init.index + 1] = clock();
        }
      }
      // Idle or not, every worker marks every generation done, once.
      Atomics.store(done, init.index, generation);
      signal();
    }
  } finally {
    gone();
  }
}

/**
 * A worker's script for `new Worker(source, { eval: true })`; `prelude` runs first (tests wrap
 * WebAssembly.Instance with it). Under tsx, esbuild's keepNames wraps named functions in a
 * `__name` helper, defined here as a no-op.
 */
export function workerSource(prelude = ''): string {
  return `"use strict"; const __name = (f) => f; ${prelude}\n(${work.toString()})(require('node:worker_threads'));`;
}
