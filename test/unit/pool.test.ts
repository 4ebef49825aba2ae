/**
 * The wasm pool under worker deaths (issue 8, sections 2 and 2b): workers terminated from
 * outside between and during calls, and workers that call process.exit mid-call. Every call
 * either returns with every row written or fails with BACKEND, and the call after it is right.
 * Before the fix, a worker terminated from outside hung the caller (the pool only learnt of the
 * exit on the event loop, which the blocked caller never turned), and a pool restarted after a
 * death reset the shared generation word while the old workers could still wake on it and
 * count down the new job (pending -1: a hang; or a return before the rows were written).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HotpathError } from '../../src/index.js';
import { loadModule } from '../../src/backends/wasm/module.js';
import { Pool } from '../../src/backends/wasm/pool.js';
import { SIGNATURES } from '../../src/backends/wasm/signatures.js';
import { rowRange } from '../../src/backends/wasm/shape.js';
import { Heap } from '../../src/runtime/heap.js';

const THREADS = 3;
const ADD = SIGNATURES.filter((s) => s.name === 'add');
const ROWS = 1200;
const COLS = 2048;

/**
 * Worker code run before the real worker (PoolOptions.prelude): wraps the `add` export so that
 * the test can make this worker call process.exit in the middle of a call. The test writes
 * [victim index + 1, mode] into two int32 words of the shared heap at byte offset `flag`.
 * Modes: 0 exit after half of this worker's rows, 1 after all of them (rows written, never
 * marked done), 2 before any row.
 */
function exitHook(flag: number): string {
  return `{
    const { workerData } = require('node:worker_threads');
    const RealInstance = WebAssembly.Instance;
    WebAssembly.Instance = function Instance(module, imports) {
      const real = new RealInstance(module, imports);
      const add = real.exports.add;
      const words = new Int32Array(workerData.memory.buffer, ${flag}, 2);
      const wrapped = (...args) => {
        if (Atomics.load(words, 0) !== workerData.index + 1) {
          return add(...args);
        }
        const mode = Atomics.load(words, 1);
        Atomics.store(words, 0, 0);
        const [start, end] = args.slice(-2);
        add(...args.slice(0, -2), start, mode === 0 ? Math.floor((start + end) / 2) : mode === 1 ? end : start);
        process.exit(7);
      };
      return { exports: { ...real.exports, add: wrapped } };
    };
  }`;
}

/** A pool adding x to itself (y = 2x) over ROWS x COLS, one row range per thread. */
function setup(withExitHook = false) {
  const heap = new Heap();
  const flag = heap.alloc(64);
  new Int32Array(heap.memory.buffer, flag, 2).fill(0);
  const pool = new Pool(loadModule(ADD).module, heap.memory, THREADS, ADD, withExitHook ? { prelude: exitHook(flag) } : {});
  const x = heap.alloc(ROWS * COLS * 4);
  const y = heap.alloc(ROWS * COLS * 4);
  const xs = new Float32Array(heap.memory.buffer, x, ROWS * COLS);
  for (let i = 0; i < xs.length; i++) {
    xs[i] = (i % 1000) - 500.25;
  }
  const expected = Float32Array.from(xs, (v) => v + v);
  const args = (t: number): number[] | null => {
    const range = rowRange(ROWS, THREADS, t);
    return range === null ? null : [x, 0, 0, COLS, 1, x, 0, 0, COLS, 1, y, 1, ROWS, COLS, ...range];
  };
  /** Runs the job on a NaN-filled output: 'ok' with every element right, or the BACKEND error. */
  const run = (): 'ok' | HotpathError => {
    const ys = new Float32Array(heap.memory.buffer, y, ROWS * COLS);
    ys.fill(NaN);
    try {
      pool.parallel('add', args);
    } catch (error) {
      assert.ok(error instanceof HotpathError && error.code === 'BACKEND', `a failed call throws BACKEND, got ${String(error)}`);
      return error;
    }
    const wrong = ys.findIndex((v, i) => v !== expected[i]);
    assert.equal(wrong, -1, `a call returned with element ${wrong} (row ${Math.floor(wrong / COLS)}) unwritten or wrong`);
    return 'ok';
  };
  const flagWords = new Int32Array(heap.memory.buffer, flag, 2);
  return { pool, run, flagWords };
}

/** Blocks this thread (no event loop turn) until `done()` or 20 s. */
function blockUntil(done: () => boolean): void {
  const word = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + 20_000;
  while (!done() && performance.now() < deadline) {
    Atomics.wait(word, 0, 0, 5);
  }
  assert.ok(done(), 'condition not reached within 20 s');
}

test('a worker terminated from outside between calls, unseen by the event loop: the next call restarts the pool and is right', { timeout: 120_000 }, async () => {
  const { pool, run } = setup();
  assert.equal(run(), 'ok');
  for (let round = 0; round < 5; round++) {
    pool.terminateWorker(round % 2);
    // The caller never yields, as a synchronous program would not.
    blockUntil(() => pool.workerStates()[round % 2] === 'gone');
    assert.equal(run(), 'ok', `round ${round}`);
  }
  await pool.close();
});

test('workers terminated from outside during calls, many times: each call fails with BACKEND or returns complete, and the next call is right', { timeout: 120_000 }, async (t) => {
  const { pool, run } = setup();
  assert.equal(run(), 'ok');
  let failed = 0;
  const rounds = 16;
  for (let round = 0; round < rounds; round++) {
    const victim = round % 2;
    const starts = pool.starts;
    // The manager thread terminates the worker while this thread runs its own share or waits.
    pool.terminateWorker(victim);
    const outcome = run();
    if (outcome === 'ok') {
      // The kill landed before the call (which then ran on a fresh pool) or lands after it:
      // let it land, so that the next call is not the one it hits.
      blockUntil(() => pool.starts !== starts || pool.workerStates()[victim] === 'gone');
    } else {
      failed++;
    }
    assert.equal(run(), 'ok', `the call after round ${round}`);
  }
  t.diagnostic(`${failed} of ${rounds} calls were hit by the kill mid-call (BACKEND); the others finished first`);
  await pool.close();
});

test('a worker that calls process.exit mid-call (before, during or after writing its rows) fails the call with BACKEND; the next call is right', { timeout: 120_000 }, async () => {
  const { pool, run, flagWords } = setup(true);
  assert.equal(run(), 'ok');
  for (let round = 0; round < 12; round++) {
    const victim = round % (THREADS - 1);
    flagWords[1] = round % 3;
    Atomics.store(flagWords, 0, victim + 1);
    const outcome = run();
    assert.ok(outcome instanceof HotpathError, `round ${round}: the call must fail, the worker exited before marking its share done`);
    assert.match(outcome.message, new RegExp(`wasm worker ${victim + 1} died`));
    assert.equal(run(), 'ok', `the call after round ${round}`);
  }
  await pool.close();
});

test('a pool of one worker (threads: 2) watches exactly that worker: no phantom second one that never starts', { timeout: 60_000 }, () => {
  // Regression: the state words came from a buffer of at least 8 bytes, so a one-worker pool saw
  // a second worker stuck in 'starting', declared the pool dead 30 s after its start, and refused
  // every later parallel call (every 2-core machine's default pool).
  const heap = new Heap();
  const pool = new Pool(loadModule(ADD).module, heap.memory, 2, ADD);
  const n = 4096;
  const x = heap.alloc(n * 4);
  const y = heap.alloc(n * 4);
  new Float32Array(heap.memory.buffer, x, n).fill(1.5);
  pool.parallel('add', (t) => {
    const range = rowRange(n, 2, t);
    return range === null ? null : [x, 0, 0, 0, 1, x, 0, 0, 0, 1, y, 1, 1, 1, ...range];
  });
  assert.deepEqual(pool.workerStates(), ['ready']);
  assert.ok(new Float32Array(heap.memory.buffer, y, n).every((v) => v === 3));
  void pool.close();
});
