// A wasm pool worker for test/unit/pool.test.ts: the real worker (src/backends/wasm/worker.ts)
// with its `add` export wrapped so that a test can make this worker call process.exit in the
// middle of a call. The test writes [victim index + 1, mode] into the two int32 words of the
// shared heap at byte offset HOTPATH_TEST_EXIT_FLAG (an environment variable the test sets
// before the pool starts; worker threads inherit a copy). Modes: 0 exit after half of this
// worker's rows, 1 after all of them (rows written, never marked done), 2 before any row.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const flagOffset = Number(process.env.HOTPATH_TEST_EXIT_FLAG);
const RealInstance = WebAssembly.Instance;
WebAssembly.Instance = function Instance(module, imports) {
  const real = new RealInstance(module, imports);
  const add = real.exports.add;
  const flag = new Int32Array(workerData.memory.buffer, flagOffset, 2);
  const wrapped = (...args) => {
    if (Atomics.load(flag, 0) !== workerData.index + 1) {
      return add(...args);
    }
    const mode = Atomics.load(flag, 1);
    Atomics.store(flag, 0, 0);
    const [start, end] = args.slice(-2);
    const stop = mode === 0 ? Math.floor((start + end) / 2) : mode === 1 ? end : start;
    add(...args.slice(0, -2), start, stop);
    process.exit(7);
  };
  return { exports: { ...real.exports, add: wrapped } };
};
await import('../../src/backends/wasm/worker.ts');
