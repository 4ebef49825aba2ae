/**
 * Helpers of the batch tests: seeded float32 points written as .npy (with exact duplicate rows so
 * that neighbour ties occur), the brute-force k nearest neighbours as a plain float64 loop, and
 * `hotpath` / `hotpath batch worker` child processes that do not block the test's event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { batchKmeans, type BatchKmeansOptions, type BatchKmeansResult } from '../src/batch/kmeans.js';
import { encodeNpyHeader } from '../src/io/npyHeader.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { lcg } from './helpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The k-means agents' tests' layout: d = 2048 makes chunks of 2048 rows (src/kmeans/chunks.ts),
 * so n = 2348 rows are two shards of one chunk each, the second partial.
 */
export const TWO_SHARDS = {
  d: 2048,
  n: 2048 + 300,
  shards: [
    { start: 0, count: 2048 },
    { start: 2048, count: 300 },
  ],
} as const;

/**
 * Writes float32 [rows, d] points, seeded; every 7th row repeats an earlier one (ties). `draw`
 * makes one value from the generator (default: a grid of 1/64 in [-4, 4]).
 */
export function writePoints(file: string, rows: number, d: number, seed: number, draw: (next: () => number) => number = (next) => Math.round((next() * 8 - 4) * 64) / 64): Float32Array {
  const next = lcg(seed);
  const values = new Float32Array(rows * d);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < d; p++) {
      values[i * d + p] = i % 7 === 6 ? values[Math.floor(i / 2) * d + p]! : draw(next);
    }
  }
  const header = encodeNpyHeader('float32', [rows, d], false);
  const out = new Uint8Array(header.length + values.byteLength);
  out.set(header);
  out.set(new Uint8Array(values.buffer), header.length);
  writeFileSync(file, out);
  return values;
}

/** Plain float64 column sums of rows [start, start + count) of row-major [*, d] values, in row order. */
export function columnSums(values: Float32Array, d: number, start: number, count: number): number[] {
  const sums = new Array<number>(d).fill(0);
  for (let i = start; i < start + count; i++) {
    for (let p = 0; p < d; p++) {
      sums[p]! += values[i * d + p]!;
    }
  }
  return sums;
}

/** Brute force: per query row, the k rows of db with the smallest float64 squared distance, ties by index. */
export function bruteKnn(query: Float32Array, db: Float32Array, d: number, k: number): { indices: number[]; distances: number[] } {
  const nq = query.length / d;
  const n = db.length / d;
  const indices: number[] = [];
  const distances: number[] = [];
  for (let q = 0; q < nq; q++) {
    const all: { i: number; s: number }[] = [];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = 0; p < d; p++) {
        const diff = query[q * d + p]! - db[i * d + p]!;
        s += diff * diff;
      }
      all.push({ i, s });
    }
    all.sort((a, b) => a.s - b.s || a.i - b.i);
    for (const { i, s } of all.slice(0, k)) {
      indices.push(i);
      distances.push(s);
    }
  }
  return { indices, distances };
}

/** `hotpath ...args` from the sources as a child process, without blocking this event loop (in-process workers keep running). */
export async function hotpathAsync(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

/** `hotpath batch worker ...args` as a child process, resolved once it printed its ready line. */
export async function spawnWorker(...args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'batch', 'worker', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) {
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
  return child;
}

/** Stops a worker process started by spawnWorker (SIGTERM; it finishes its shard first). */
export async function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * batchKmeans as the fault tests run it (init 'first', 40 iterations, tol 0, pollMs 50), calling
 * `fault` once, right after iteration 1 (before the next round is published).
 */
export async function kmeansWithFault(options: Pick<BatchKmeansOptions, 'redis' | 'queue' | 'file' | 'k'> & Partial<BatchKmeansOptions>, fault: () => void): Promise<BatchKmeansResult> {
  let faulted = false;
  const r = await batchKmeans({
    init: 'first',
    maxIter: 40,
    tol: 0,
    pollMs: 50,
    ...options,
    onIteration: (info) => {
      if (info.iteration === 1) {
        faulted = true;
        fault();
      }
    },
  });
  assert.ok(faulted, 'the fault happened during the run');
  return r;
}

/** The batch run's iterations, inertia and centroids equal the in-process fit's, bit for bit. */
export function assertSameFit(r: BatchKmeansResult, expected: { iterations: number; inertia: number; centroids: Tensor }): void {
  assert.ok(expected.iterations > 2, 'the run went on after the fault');
  assert.equal(r.iterations, expected.iterations);
  assert.equal(r.inertia, expected.inertia);
  assert.deepEqual(Array.from(r.centroids), Array.from(expected.centroids.toArray() as Float32Array));
}
