/**
 * The wasm pool's manager thread: it starts the workers and owns them, so their exits arrive on
 * an event loop that is never blocked (the calling thread blocks in Atomics.wait during a call
 * and would only learn of an exit after the call). A worker that exits for any reason (a
 * crash, process.exit, terminate()) is marked `gone` at once and the caller is woken; the
 * manager's heartbeat tells the caller that the manager itself still runs. Stopping the
 * manager stops its workers with it (Node terminates a thread's own workers).
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { CONTROL, HEARTBEAT_MS, STATE, type ManagerInit, type ManagerMessage, type WorkerInit } from './protocol.js';

const init = workerData as ManagerInit;
const control = new Int32Array(init.control);
const states = new Int32Array(init.states);

function markGone(index: number): void {
  Atomics.store(states, index, STATE.gone);
  Atomics.add(control, CONTROL.signal, 1);
  Atomics.notify(control, CONTROL.signal);
}

const workers: (Worker | null)[] = [];
for (let index = 0; index < init.count; index++) {
  try {
    const { count: _count, entry: _entry, ...shared } = init;
    const workerInit: WorkerInit = { ...shared, index };
    const worker = new Worker(new URL(init.entry), { workerData: workerInit });
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
  Atomics.add(control, CONTROL.heartbeat, 1);
}, HEARTBEAT_MS);

parentPort!.on('message', (message: ManagerMessage) => {
  if (message.type === 'stop') {
    workers.forEach((w) => void w?.terminate());
  } else {
    void workers[message.index]?.terminate();
  }
});
