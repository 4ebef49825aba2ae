/**
 * One worker of the wasm pool: instantiates the shared module over the shared heap, then waits
 * on its epoch's control words for jobs (see pool.ts for the protocol). It never touches the
 * event loop while waiting, so dispatch costs microseconds. It reports `ready` once
 * instantiated and `gone` when it leaves its loop; a thread that dies without running any more
 * code is reported by the manager (manager.ts), which sees its exit.
 */
import { workerData } from 'node:worker_threads';
import { ARGS_PER_WORKER, CONTROL, STATE, type WorkerInit } from './protocol.js';

/** An idle worker looks at the stop flag at least this often, even if a wake-up is lost (ms). */
const IDLE_POLL_MS = 1000;

const init = workerData as WorkerInit;
const control = new Int32Array(init.control);
const states = new Int32Array(init.states);
const done = new Int32Array(init.done);

function signal(): void {
  Atomics.add(control, CONTROL.signal, 1);
  Atomics.notify(control, CONTROL.signal);
}

function gone(): void {
  Atomics.store(states, init.index, STATE.gone);
  signal();
}

process.on('exit', gone);
try {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort: () => undefined } });
  const args = new Float64Array(init.args, init.index * ARGS_PER_WORKER * 8, ARGS_PER_WORKER);
  const fns = init.names.map((name) => instance.exports[name] as (...a: number[]) => void);
  Atomics.store(states, init.index, STATE.ready);
  signal();
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.generation, seen, IDLE_POLL_MS);
    if (Atomics.load(control, CONTROL.stop) !== 0) {
      break;
    }
    const generation = Atomics.load(control, CONTROL.generation);
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
      try {
        fns[args[0]!]!(...Array.from(args.subarray(2, 2 + count)));
      } catch {
        Atomics.store(control, CONTROL.failedWorker, init.index + 1);
      }
    }
    // Idle or not, every worker marks every generation done, once.
    Atomics.store(done, init.index, generation);
    signal();
  }
} finally {
  gone();
}
