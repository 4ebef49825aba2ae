/**
 * Child process of the bounded-memory test (test/unit/kmeansFileMemory.test.ts): fits a .npy
 * file out of core with a small heap and prints one JSON line with the peak RSS before and
 * after the fit (bytes) and the fit's figures.
 * Usage: node --import tsx test/kmeansFileChild.ts FILE.npy HEAP_BYTES
 */
import { createRuntime } from '../src/index.js';

const [path, heap] = process.argv.slice(2);
const hp = await createRuntime({ backends: ['wasm', 'ref'], threads: 1, heapBytes: Number(heap) });
const before = process.resourceUsage().maxRSS * 1024;
const fit = await hp.kmeans(path!, { k: 4, init: 'first', maxIter: 2 });
const after = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ before, after, inertia: fit.inertia, iterations: fit.iterations, blockRows: fit.blockRows, bytes: fit.io.bytes })}\n`);
await hp.close();
