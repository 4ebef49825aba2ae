/**
 * The wasm pool's manager thread: it starts the workers and owns them, so their exits arrive on
 * an event loop that is never blocked (the calling thread blocks in Atomics.wait during a call
 * and would only learn of an exit after the call). A worker that exits for any reason (a
 * crash, process.exit, terminate()) is marked `gone` at once and the caller is woken; the
 * manager's heartbeat tells the caller that the manager itself still runs. Stopping the
 * manager stops its workers with it (Node terminates a thread's own workers).
 *
 * It runs as an evaluated script (MANAGER_SOURCE) with no imports, everything from workerData,
 * so it starts in milliseconds instead of loading tsx and this package's modules first.
 */
import type * as WorkerThreads from 'node:worker_threads';
import type { ManagerInit, ManagerMessage, WorkerInit } from './protocol.js';

function manage(wt: typeof WorkerThreads): void {
  const init = wt.workerData as ManagerInit;
  const { words, states: STATE, heartbeatMs } = init.constants;
  const control = new Int32Array(init.control);
  const states = new Int32Array(init.states);
  const markGone = (index: number): void => {
    Atomics.store(states, index, STATE.gone);
    Atomics.add(control, words.signal, 1);
    Atomics.notify(control, words.signal);
  };
  const { count, source, ...shared } = init;
  const workers: (WorkerThreads.Worker | null)[] = [];
  for (let index = 0; index < count; index++) {
    try {
      const workerInit: WorkerInit = { ...shared, index };
      const worker = new wt.Worker(source, { eval: true, workerData: workerInit });
      // Failures show as the exit below; keep them off the console.
      worker.on('error', () => undefined);
      worker.on('exit', () => markGone(index));
      workers.push(worker);
    } catch {
      markGone(index);
      workers.push(null);
    }
  }
  setInterval(() => {
    Atomics.add(control, words.heartbeat, 1);
  }, heartbeatMs);
  wt.parentPort!.on('message', (message: ManagerMessage) => {
    if (message.type === 'stop') {
      workers.forEach((w) => void w?.terminate());
    } else {
      void workers[message.index]?.terminate();
    }
  });
}

/**
 * The manager's script for `new Worker(source, { eval: true })`. Under tsx, esbuild's keepNames
 * wraps named functions in a `__name` helper, defined here as a no-op.
 */
export const MANAGER_SOURCE = `"use strict"; const __name = (f) => f; (${manage.toString()})(require('node:worker_threads'));`;
