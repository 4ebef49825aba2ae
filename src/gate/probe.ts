/**
 * The calibration probe of the regression gate: a fixed amount of plain JavaScript arithmetic
 * split over as many threads as the kernel runs on (the calling thread and workers), in as many
 * fork-joins as the kernel makes per call, timed from the calling thread the way a kernel call
 * is (the caller blocks until every thread is done).
 *
 * Why: on a shared machine the speed the kernel gets moves by 2x between minutes (on this 2-core
 * machine, when another process takes a core, a 2-thread kernel takes twice as long while a
 * 1-thread loop does not notice). A probe on the same number of threads, measured next to the
 * kernel in every round, slows down with it; the gate compares kernel / probe. A kernel that
 * joins its threads many times per call (k-means: two dispatches per iteration) loses far more
 * to a stolen core than one long loop does, since every join waits for the descheduled thread;
 * the probe makes the same number of joins so that it loses alike (with one join per probe,
 * k-means at load 7 on this machine measured 0.8-1.0x for a 20% slowdown). The probe is not
 * hotpath code (no wasm, no pool), so a regression in hotpath cannot hide in it.
 */
import { Worker } from 'node:worker_threads';
import { fail } from '../errors.js';

/** What a saved run needs to rerun the same probe. */
export interface ProbeSpec {
  /**
   * The probe's kind and version; a later change of the loop gets a new name. 'js-mix-v1' (one
   * fork-join per probe, read from old files only) or 'js-forkjoin-v2' (`segments` fork-joins).
   */
  readonly kind: 'js-mix-v1' | 'js-forkjoin-v2';
  /** Threads the work is split over (the kernel's thread count, the calling thread included). */
  readonly threads: number;
  /** Loop iterations each thread runs per probe. */
  readonly iterationsPerThread: number;
  /**
   * Fork-joins per probe: the kernel's parallel dispatches per call, so that a thread losing
   * its core stalls the probe at as many joins as it stalls the kernel (v2 only).
   */
  readonly segments?: number;
}

/** The probe kind this version writes. */
export const PROBE_KIND = 'js-forkjoin-v2';

/** Control words in the shared buffer. */
const GENERATION = 0;
const DONE = 1;
const ITERATIONS = 2;
/** Each worker's result lands here + its index, so the loop cannot be optimised away. */
const SINKS = 4;

/** The probe loop: a dependent chain of multiplies and adds (about 1 ns per iteration) on one core, no memory. */
const LOOP = `
  let a = 1 + index;
  let b = 0;
  for (let i = 0; i < n; i++) {
    a = a * 1.0000001 + 1e-9;
    b = (b + (i & 7)) | 0;
  }
  words[${SINKS} + index] = (a | 0) ^ b;
`;

/** The worker: wait for a new generation, run the loop, count itself done. */
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
  ${LOOP}
  Atomics.add(words, ${DONE}, 1);
  Atomics.notify(words, ${DONE});
}
`;

/** The calling thread's share: the same loop, compiled once per probe. */
type Share = (words: Int32Array, index: number, n: number) => void;

/**
 * Threads that run the probe on demand, shaped like a kernel call on hotpath's pools: the
 * calling thread runs one share and `threads - 1` workers the others, `segments` times per
 * probe, each time waiting for all (a fork-join per segment). close() ends the workers.
 */
export class Probe {
  private readonly words: Int32Array;
  private readonly workers: Worker[];
  private readonly share: Share;

  /** @throws ARGUMENT for a thread or segment count that is not a positive integer */
  constructor(
    readonly threads: number,
    readonly segments = 1,
  ) {
    if (!Number.isSafeInteger(threads) || threads < 1 || threads > 256) {
      fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid probe thread count', expected: 'an integer from 1 to 256', received: String(threads) });
    }
    if (!Number.isSafeInteger(segments) || segments < 1 || segments > 100_000) {
      fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid probe segment count', expected: 'an integer from 1 to 100000', received: String(segments) });
    }
    this.words = new Int32Array(new SharedArrayBuffer((SINKS + threads) * 4));
    this.workers = Array.from({ length: threads - 1 }, (_, i) => new Worker(WORKER_SOURCE, { eval: true, workerData: { buffer: this.words.buffer, index: i + 1 } }));
    // The probe's workers must not keep the process alive when a caller forgets close().
    this.workers.forEach((w) => w.unref());
    // The workers' loop, verbatim, for the calling thread (one source for both).
    this.share = new Function('words', 'index', 'n', LOOP) as Share;
  }

  /** Fork-joins made so far (the workers' job generation; 0 with one thread: nothing to join). */
  get forkJoins(): number {
    return Atomics.load(this.words, GENERATION);
  }

  /** Runs `iterationsPerThread` iterations on every thread, in `segments` fork-joins; returns the wall time in ms. */
  time(iterationsPerThread: number): number {
    const words = this.words;
    const workers = this.workers.length;
    const per = Math.floor(iterationsPerThread / this.segments);
    const start = performance.now();
    for (let s = 0; s < this.segments; s++) {
      const n = s === this.segments - 1 ? iterationsPerThread - per * (this.segments - 1) : per;
      if (workers > 0) {
        Atomics.store(words, ITERATIONS, n);
        Atomics.store(words, DONE, 0);
        Atomics.add(words, GENERATION, 1);
        Atomics.notify(words, GENERATION);
      }
      this.share(words, 0, n);
      for (let done = Atomics.load(words, DONE); done < workers; done = Atomics.load(words, DONE)) {
        Atomics.wait(words, DONE, done);
      }
    }
    return performance.now() - start;
  }

  /**
   * Iterations per thread that take about `targetMs` now (the probe should last about as long
   * as one kernel call, so both see the same stretch of machine weather). Clamped to [1e4, 2e9).
   */
  calibrate(targetMs: number): number {
    const trial = Math.max(200_000, 2000 * this.segments);
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
