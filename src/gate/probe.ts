/**
 * The calibration probe of the regression gate: a fixed amount of plain JavaScript arithmetic
 * split over as many worker threads as the kernel runs on, timed from the calling thread the
 * way a kernel call is (the caller blocks until every thread is done).
 *
 * Why: on a shared machine the speed the kernel gets moves by 2x between minutes (on this 2-core
 * machine, when another process takes a core, a 2-thread kernel takes twice as long while a
 * 1-thread loop does not notice). A probe on the same number of threads, measured next to the
 * kernel in every round, slows down with it; the gate compares kernel / probe. The probe is
 * not hotpath code (no wasm, no pool), so a regression in hotpath cannot hide in it.
 */
import { Worker } from 'node:worker_threads';
import { fail } from '../errors.js';

/** What a saved run needs to rerun the same probe. */
export interface ProbeSpec {
  /** The probe's kind and version; a later change of the loop gets a new name. */
  readonly kind: 'js-mix-v1';
  /** Threads the work is split over (the kernel's thread count). */
  readonly threads: number;
  /** Loop iterations each thread runs. */
  readonly iterationsPerThread: number;
}

/** Control words in the shared buffer. */
const GENERATION = 0;
const DONE = 1;
const ITERATIONS = 2;
/** Each worker's result lands here + its index, so the loop cannot be optimised away. */
const SINKS = 4;

/**
 * The worker: wait for a new generation, run the loop, count itself done. A dependent chain of
 * multiplies and adds (about 1 ns per iteration) keeps one core busy and touches no memory.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const words = new Int32Array(workerData.buffer);
const index = workerData.index;
let seen = 0;
for (;;) {
  Atomics.wait(words, ${GENERATION}, seen);
  seen = Atomics.load(words, ${GENERATION});
  if (seen < 0) break;
  const n = Atomics.load(words, ${ITERATIONS});
  let a = 1 + index;
  let b = 0;
  for (let i = 0; i < n; i++) {
    a = a * 1.0000001 + 1e-9;
    b = (b + (i & 7)) | 0;
  }
  words[${SINKS} + index] = (a | 0) ^ b;
  Atomics.add(words, ${DONE}, 1);
  Atomics.notify(words, ${DONE});
}
`;

/** Worker threads that run the probe on demand; close() ends them. */
export class Probe {
  private readonly words: Int32Array;
  private readonly workers: Worker[];

  /** @throws ARGUMENT for a thread count that is not a positive integer */
  constructor(readonly threads: number) {
    if (!Number.isSafeInteger(threads) || threads < 1 || threads > 256) {
      fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid probe thread count', expected: 'an integer from 1 to 256', received: String(threads) });
    }
    this.words = new Int32Array(new SharedArrayBuffer((SINKS + threads) * 4));
    this.workers = Array.from({ length: threads }, (_, index) => new Worker(WORKER_SOURCE, { eval: true, workerData: { buffer: this.words.buffer, index } }));
    // The probe's workers must not keep the process alive when a caller forgets close().
    this.workers.forEach((w) => w.unref());
  }

  /** Runs `iterationsPerThread` iterations on every thread; returns the wall time in ms. */
  time(iterationsPerThread: number): number {
    const words = this.words;
    Atomics.store(words, ITERATIONS, iterationsPerThread);
    Atomics.store(words, DONE, 0);
    const start = performance.now();
    Atomics.add(words, GENERATION, 1);
    Atomics.notify(words, GENERATION);
    for (let done = Atomics.load(words, DONE); done < this.threads; done = Atomics.load(words, DONE)) {
      Atomics.wait(words, DONE, done);
    }
    return performance.now() - start;
  }

  /**
   * Iterations per thread that take about `targetMs` now (the probe should last about as long
   * as one kernel call, so both see the same stretch of machine weather). Clamped to [1e4, 2e9).
   */
  calibrate(targetMs: number): number {
    const trial = 200_000;
    this.time(trial);
    const ms = Math.max(1e-3, Math.min(this.time(trial), this.time(trial)));
    return Math.round(Math.min(2e9 - 1, Math.max(1e4, (trial * targetMs) / ms)));
  }

  async close(): Promise<void> {
    Atomics.store(this.words, GENERATION, -1);
    Atomics.notify(this.words, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
