/**
 * Out-of-core k-means on a file of a given size (float32 [n, 32], written streaming if absent):
 * maxIter iterations, k = 64, init 'first', and prints the file size, peak RSS, seconds per
 * iteration and the I/O share (and whether it was I/O-bound). The page cache is not dropped: on
 * a file larger than RAM most reads come from the disk anyway.
 * Usage: flock /tmp/hotpath-bench.lock node --import tsx bench/kmeansHuge.ts GIB [ITER] [PATH]
 */
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../src/index.js';
import { writeBlobsFile } from './kmeansFileData.js';

const gib = Number(process.argv[2] ?? 2);
const maxIter = Number(process.argv[3] ?? 3);
const d = 32;
const n = Math.floor((gib * 2 ** 30) / (4 * d));
const path = process.argv[4] ?? join(tmpdir(), `hotpath-kmeansHuge-${n}x${d}.npy`);
let t0 = performance.now();
const bytes = writeBlobsFile(path, n, d);
console.log(`file ${path}: ${(bytes / 2 ** 30).toFixed(2)} GiB, float32 [${n}, ${d}] (ready in ${((performance.now() - t0) / 1000).toFixed(0)} s); RAM ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${cpus().length} cpus`);
const hp = await createRuntime({ threads: cpus().length });
const rssBefore = process.resourceUsage().maxRSS * 1024;
t0 = performance.now();
const iterationSeconds: number[] = [];
let last = performance.now();
const fit = await hp.kmeans(path, {
  k: 64,
  init: 'first',
  tol: 0,
  maxIter,
  onIteration: (info) => {
    const now = performance.now();
    iterationSeconds.push((now - last) / 1000);
    last = now;
    const io = info.io;
    console.log(`iteration ${info.iteration}: ${((now - t0) / 1000).toFixed(1)} s since start, ${(io.bytes / 2 ** 30).toFixed(2)} GiB read, read ${io.readMBps.toFixed(0)} MB/s, compute ${io.computeMBps.toFixed(0)} MB/s, wait ${io.waitSeconds.toFixed(1)} s, compute ${io.computeSeconds.toFixed(1)} s, I/O share ${(100 * io.ioShare).toFixed(1)}%${io.ioBound ? ' I/O-bound' : ''}, changed ${info.changed}`);
  },
});
const seconds = (performance.now() - t0) / 1000;
const peak = process.resourceUsage().maxRSS * 1024;
const steady = iterationSeconds.slice(1);
console.log(`done: ${seconds.toFixed(1)} s for ${fit.iterations} iterations + mean, prepare and final passes; seconds per iteration ${steady.length > 0 ? (steady.reduce((a, b) => a + b, 0) / steady.length).toFixed(1) : iterationSeconds[0]?.toFixed(1)} (iteration 1 includes the mean and prepare passes: ${iterationSeconds[0]?.toFixed(1)} s)`);
console.log(`peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (before the fit ${(rssBefore / 2 ** 20).toFixed(0)} MiB), blocks of ${fit.blockRows} rows, total I/O share ${(100 * fit.io.ioShare).toFixed(1)}%${fit.io.ioBound ? ' (I/O-bound)' : ''}, read ${fit.io.readMBps.toFixed(0)} MB/s, compute ${fit.io.computeMBps.toFixed(0)} MB/s, inertia ${fit.inertia.toExponential(6)}, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
await hp.close();
