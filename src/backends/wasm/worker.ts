/**
 * One worker of the wasm pool: instantiates the shared module over the shared heap, then waits
 * on the control words for jobs (see pool.ts for the protocol). It never touches the event loop
 * while waiting, so dispatch costs microseconds. It reports `ready` once instantiated and
 * `gone` if it fails to start or leaves its loop, so a waiting caller can fail instead of hang.
 */
import { workerData } from 'node:worker_threads';
import { ARGS_PER_WORKER, CONTROL, STATE, type WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;
const control = new Int32Array(init.control);
const states = new Int32Array(init.states);

function gone(): void {
  Atomics.store(states, init.index, STATE.gone);
  // Wake a caller waiting on the pending count so it looks at the states.
  Atomics.notify(control, CONTROL.pending);
}

process.on('exit', gone);
try {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort: () => undefined } });
  const args = new Float64Array(init.args, init.index * ARGS_PER_WORKER * 8, ARGS_PER_WORKER);
  const fns = init.names.map((name) => instance.exports[name] as (...a: number[]) => void);
  Atomics.store(states, init.index, STATE.ready);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.generation, seen);
    seen = Atomics.load(control, CONTROL.generation);
    if (Atomics.load(control, CONTROL.stop) !== 0) {
      break;
    }
    const count = args[1]!;
    if (count >= 0) {
      try {
        fns[args[0]!]!(...Array.from(args.subarray(2, 2 + count)));
      } catch {
        Atomics.store(control, CONTROL.failedWorker, init.index + 1);
      }
    }
    // Idle or not, every worker counts down once per generation.
    if (Atomics.sub(control, CONTROL.pending, 1) === 1) {
      Atomics.notify(control, CONTROL.pending);
    }
  }
} finally {
  gone();
}
