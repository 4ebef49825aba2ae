/** The runtime's worker thread count: validated, bounded, and the reason when it was lowered. */
import { fail } from '../errors.js';

/**
 * Most worker threads a runtime accepts: every thread is a worker with its own instance of the
 * wasm module (about 5 MB), and `threads: 1e6` once started workers until the process held
 * 3.2 GB and 676 threads. 256 is above the parallelism of today's largest machines.
 */
export const MAX_THREADS = 256;

/**
 * The thread count to use: the option (an integer from 1 to MAX_THREADS), at most the machine's
 * available parallelism (more workers than cores only cost start-up time and memory: 64 on 2
 * cores took 3.1 s to start), with a note saying so when it lowered the option.
 */
export function threadsOf(requested: number | undefined, available: number): { threads: number; threadsNote?: string } {
  if (requested === undefined) {
    return { threads: Math.min(available, MAX_THREADS) };
  }
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_THREADS) {
    fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid threads', expected: `an integer from 1 to ${MAX_THREADS} (each thread is a worker with its own wasm instance)`, received: String(requested), hint: 'leave threads out to use every core' });
  }
  if (requested <= available) {
    return { threads: requested };
  }
  return { threads: available, threadsNote: `threads: ${requested} asked, ${available} used: this machine runs ${available} threads at once (os.availableParallelism()), more workers would only add start-up time and memory` };
}
