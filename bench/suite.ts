/**
 * runBench(options): the whole benchmark as a function, shared by `npm run bench` (run.ts) and
 * `npm run bench:readme` (readme.ts). Order: first-call latency in fresh processes (while this
 * process is still idle; from the sources and from the built dist/), then hotpath's runtimes and the peers, the copy-bandwidth yardstick,
 * and the workloads one after the other.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { add } from './add.js';
import { allocator } from './allocator.js';
import { monitor } from './monitor.js';
import { distances } from './distances.js';
import { elementwise } from './elementwise.js';
import { featureStream } from './featureStream.js';
import { copyBandwidth, cpuShare, cpuTimes, errorText, machineInfo, median, type Row } from './harness.js';
import { closeRuntimes, createRuntimes, wasmSimd } from './hotpath.js';
import { kmeans } from './kmeans.js';
import { kmeans64 } from './kmeans64.js';
import { layerNorm } from './layerNorm.js';
import { matmul } from './matmul.js';
import { reduceMax } from './reduceMax.js';
import { loadPeers, unavailablePeers } from './peers.js';
import type { BenchReport, FirstCall } from './report.js';
import type { Workload } from './runner.js';
import { softmax } from './softmax.js';
import { stft } from './stft.js';
import { logMel } from './logMel.js';
import { userKernels } from './userKernels.js';

export const WORKLOADS: readonly Workload[] = [matmul, softmax, layerNorm, add, elementwise, reduceMax, stft, logMel, featureStream, kmeans, kmeans64, distances, userKernels, allocator, monitor];
/** Names `--only` accepts: the workloads and the first-call measurement. */
export const NAMES: readonly string[] = [...WORKLOADS.map((w) => w.name), 'firstCall'];

export interface BenchOptions {
  readonly quick: boolean;
  /** Names to run; empty for all. */
  readonly only: readonly string[];
  /** Per-call ceiling in seconds for projected-slow contenders. */
  readonly budgetS: number;
  readonly log: (line: string) => void;
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Elements copied by the bandwidth yardstick: 16M floats (64 MiB each way). */
const COPY_ELEMENTS = 16 * 2 ** 20;

interface Probe {
  readonly totalMs: number;
  readonly importMs: number;
  readonly firstCallMs: number;
  readonly backend: string;
  readonly correct: boolean;
}

/** Newest modification time (ms) of the .ts files under `dir`. */
function newestTs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Why the built package cannot be measured (missing or older than the sources), or undefined. */
function distProblem(): string | undefined {
  const entry = path.join(REPO, 'dist', 'index.js');
  if (!existsSync(entry)) {
    return 'dist/ is not built (npm run build)';
  }
  return statSync(entry).mtimeMs < newestTs(path.join(REPO, 'src')) ? 'dist/ is older than src/ (npm run build)' : undefined;
}

/**
 * Runs bench/firstCall.mjs in `processes` fresh Node processes, one after the other: from the
 * TypeScript sources (under tsx, which the worker threads load too) and from the built dist/.
 */
async function firstCall(which: 'src' | 'dist', processes: number, log: (line: string) => void): Promise<FirstCall> {
  const problem = which === 'dist' ? distProblem() : undefined;
  if (problem !== undefined) {
    log(`  ${which}: skipped (${problem})`);
    return { which, status: 'skipped', reason: problem };
  }
  const run = promisify(execFile);
  const script = path.join(REPO, 'bench', 'firstCall.mjs');
  const args = which === 'src' ? ['--import', 'tsx', script, 'src'] : [script, 'dist'];
  const results: Probe[] = [];
  try {
    for (let i = 0; i < processes; i++) {
      const { stdout } = await run(process.execPath, args, { cwd: REPO, timeout: 60_000 });
      results.push(JSON.parse(stdout.trim().split('\n').pop()!) as Probe);
      log(`  ${which} process ${i + 1}: ${results[i]!.totalMs.toFixed(1)} ms`);
    }
  } catch (error) {
    return { which, status: 'failed', reason: errorText(error) };
  }
  return {
    which,
    status: 'ok',
    medianMs: median(results.map((r) => r.totalMs)),
    samplesMs: results.map((r) => r.totalMs),
    firstCallMs: median(results.map((r) => r.firstCallMs)),
    importMs: median(results.map((r) => r.importMs)),
    backend: results[0]!.backend,
    correct: results.every((r) => r.correct),
  };
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const load = os.loadavg()[0]!;
  const wanted = (name: string): boolean => options.only.length === 0 || options.only.includes(name);
  const log = options.log;
  const first: FirstCall[] = [];
  if (wanted('firstCall')) {
    log('first call (fresh processes)');
    for (const which of ['src', 'dist'] as const) {
      first.push(await firstCall(which, options.quick ? 1 : 5, log));
    }
  }
  const hp = await createRuntimes();
  try {
    log('loading peers');
    const peers = await loadPeers();
    const missing = unavailablePeers(peers);
    missing.forEach((p) => log(`  ${p.name}: unavailable (${p.reason})`));
    const copy = copyBandwidth(options.quick ? 2 ** 22 : COPY_ELEMENTS, options.quick ? 3 : 15);
    log(`copy bandwidth: ${copy.gbps.toFixed(1)} GB/s`);
    const cpuAtStart = cpuTimes();
    const ctx = { hp, peers, quick: options.quick, budgetMs: options.budgetS * 1000, copy, log };
    const rows: Row[] = [];
    for (const workload of WORKLOADS.filter((w) => wanted(w.name))) {
      rows.push(...(await workload.run(ctx)));
    }
    const share = cpuShare(cpuAtStart, cpuTimes());
    return {
      machine: machineInfo(wasmSimd(hp), load),
      options: { quick: options.quick, only: options.only, budgetS: options.budgetS },
      durationS: (performance.now() - started) / 1000,
      ...(share === undefined ? {} : { cpuShare: share }),
      copy,
      firstCall: first,
      unavailablePeers: missing,
      rows,
    };
  } finally {
    await closeRuntimes(hp);
  }
}
