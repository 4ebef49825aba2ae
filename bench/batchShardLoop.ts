/**
 * The compute of batch k-means shards with no queue at all (the ceiling for bench/batchScale.ts):
 * one process with one thread runs the workers' own 'step' op (kmeansShard, the same chunk cache)
 * over the given shards, one after the other, `iters` times, and prints each iteration's time
 * (ms) as JSON. batchScale.ts runs it once over both shards, then twice at once with one shard
 * each: the second's speed-up is what two worker processes could reach on this machine.
 *
 *   npx tsx bench/batchShardLoop.ts FILE ITERS K START:COUNT [START:COUNT ...]
 */
import { ChunkCache, kmeansShard } from '../dist/batch/kmeansShard.js';
import { createRuntime } from '../dist/index.js';
import { readShardRows } from '../dist/batch/shardRows.js';

const [file, itersText, kText, ...ranges] = process.argv.slice(2);
const iters = Number(itersText);
const k = Number(kText);
const shards = ranges.map((r) => r.split(':').map(Number) as [number, number]);
const hp = await createRuntime({ threads: 1 });
try {
  const first = readShardRows(hp, file!, 0, k, 'bench');
  const d = first.shape[1]!;
  // Centres: the first k rows (mean 0: the data are used as they are; the cost is the same).
  const centers = Float64Array.from(first.toArray() as Float32Array);
  first.release();
  const mean = new Float64Array(d);
  const cache = new ChunkCache(2 ** 30);
  const times: number[] = [];
  for (let it = 0; it <= iters; it++) {
    const started = performance.now();
    for (const [start, count] of shards) {
      kmeansShard(hp, { op: 'step', file: file!, start, count, mean, centers, k }, cache);
    }
    // Iteration 0 reads the file into the cache, as a worker's first iteration does.
    if (it > 0) {
      times.push(performance.now() - started);
    }
  }
  process.stdout.write(`${JSON.stringify(times)}\n`);
} finally {
  await hp.close();
}
