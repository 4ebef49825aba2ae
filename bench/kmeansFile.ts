/**
 * Out-of-core k-means vs the in-memory fit on the same data: float32 [N, 32] (default 1e6 rows),
 * k = 64, init 'first', tol 0, ITER iterations, with the file in the page cache (read once
 * before timing). Prints per fit the seconds, seconds per iteration and the file fit's I/O
 * report (bytes, read MB/s, compute MB/s, I/O share), then medians over REPS alternating runs
 * and the throughput ratio file / memory (target >= 0.8). Checks that both give the same inertia.
 * HINT_BYTES (default: the fit's default, which keeps the hints of 1e6 rows in the heap) is the
 * file fit's hintBytes: 0 keeps Hamerly's hints in temporary files, as a file too large for the
 * budget would.
 * Run under the bench lock: flock /tmp/hotpath-bench.lock node --import tsx bench/kmeansFile.ts [N] [ITER] [REPS] [HINT_BYTES]
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../src/index.js';
import { writeBlobsFile } from './kmeansFileData.js';

const n = Number(process.argv[2] ?? 1_000_000);
const iterations = Number(process.argv[3] ?? 10);
const reps = Number(process.argv[4] ?? 3);
const hintBytes = process.argv[5] === undefined ? undefined : Number(process.argv[5]);
const d = 32;
const k = 64;
const path = join(tmpdir(), `hotpath-kmeansFile-${n}x${d}.npy`);
const bytes = writeBlobsFile(path, n, d);
readFileSync(path); // into the page cache

const hp = await createRuntime({ threads: cpus().length });
const options = { k, init: 'first', tol: 0, maxIter: iterations } as const;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const memTimes: number[] = [];
const fileTimes: number[] = [];
const shares: number[] = [];
console.log(`kmeansFile: float32 [${n}, ${d}] (${(bytes / 2 ** 20).toFixed(0)} MiB), k ${k}, ${iterations} iterations, hintBytes ${hintBytes ?? 'default'}, backends ${hp.backends().filter((b) => b.available).map((b) => b.name).join(',')}, ${cpus().length} cpus, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
for (let r = 0; r < reps; r++) {
  let t0 = performance.now();
  const x = hp.load(path);
  const mem = hp.kmeans(x, options);
  const memSeconds = (performance.now() - t0) / 1000;
  x.release();
  mem.centroids.release();
  mem.labels.release();
  const perIteration: string[] = [];
  t0 = performance.now();
  const file = await hp.kmeans(path, {
    ...options,
    ...(hintBytes === undefined ? {} : { hintBytes }),
    onIteration: (info) => {
      shares.push(info.io.ioShare);
      perIteration.push(`${info.io.readMBps.toFixed(0)}/${info.io.computeMBps.toFixed(0)}/${(100 * info.io.ioShare).toFixed(0)}%`);
    },
  });
  const fileSeconds = (performance.now() - t0) / 1000;
  file.centroids.release();
  memTimes.push(memSeconds);
  fileTimes.push(fileSeconds);
  console.log(`rep ${r}: memory ${memSeconds.toFixed(2)} s (load + fit), file ${fileSeconds.toFixed(2)} s, same inertia ${file.inertia === mem.inertia} (${mem.inertia.toExponential(6)})`);
  console.log(`  file fit total: ${(file.io.bytes / 1e6).toFixed(0)} MB read, read ${file.io.readMBps.toFixed(0)} MB/s, compute ${file.io.computeMBps.toFixed(0)} MB/s, I/O share ${(100 * file.io.ioShare).toFixed(1)}%${file.io.ioBound ? ' (I/O-bound)' : ''}`);
  console.log(`  per iteration read MB/s / compute MB/s / I/O share: ${perIteration.join('  ')}`);
}
const m = median(memTimes);
const f = median(fileTimes);
console.log(`median: memory ${m.toFixed(2)} s, file ${f.toFixed(2)} s, throughput file/memory ${(m / f).toFixed(2)} (target >= 0.80), median per-iteration I/O share ${(100 * median(shares)).toFixed(1)}%, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
await hp.close();
