/**
 * `hotpath kmeans FILE --k K [...]`: k-means on a .npy file of points ([n, d], either order), or
 * one array of an .npz (`--key NAME`, or its only array); float32 and float64 as they are, other
 * dtypes converted to float64 as scikit-learn does; with a progress bar on a terminal (run, iteration, inertia, shift) and
 * a summary: inertia, iterations, seconds, backend, points per second. Labels and centroids can
 * be written as .npy. `--init first` takes the first k rows, so other tools can start from the
 * same centroids and be compared exactly.
 */
import { statSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { fail } from '../errors.js';
import type { IterationInfo, KMeansInit } from '../kmeans/index.js';
import type { MiniBatchOptions } from '../kmeans/miniBatch.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import { convert, loadPoints } from './points.js';
import { optional } from './options.js';
import { kmeansFileCommand } from './kmeansFile.js';

const INITS: readonly string[] = ['k-means++', 'random', 'first'];

/** Out of core when asked, or for a .npy file larger than the heap's free room (an .npz is always loaded). */
function outOfCore(hp: Runtime, file: string, opts: KMeansCommandOptions): boolean {
  if (opts.outOfCore === true || opts.miniBatch !== undefined) {
    const flag = opts.outOfCore === true ? '--out-of-core' : '--mini-batch (an out-of-core fit)';
    if (!file.endsWith('.npy') || opts.key !== undefined) {
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `${flag} reads .npy files only`, expected: 'FILE.npy', received: file });
    }
    return true;
  }
  if (!file.endsWith('.npy')) {
    return false;
  }
  try {
    return statSync(file).size > hp.heapRoomBytes();
  } catch {
    // Unreadable: the in-memory path reports it.
    return false;
  }
}

export interface KMeansCommandOptions {
  readonly k: string;
  readonly init?: string;
  readonly nInit?: string;
  readonly maxIter?: string;
  readonly tol?: string;
  readonly seed?: string;
  readonly labelsOut?: string;
  readonly centroidsOut?: string;
  /** Out of core only: distances to the centroids as .npy. */
  readonly distancesOut?: string;
  /** Stream the file even when it would fit the heap. */
  readonly outOfCore?: boolean;
  readonly blockBytes?: string;
  /** Mini-batch k-means over the file (implies out of core): `true` for the default batch size, or the rows per step. */
  readonly miniBatch?: string | true;
  /** Mini-batch: steps without improvement before stopping (scikit-learn's max_no_improvement). */
  readonly maxNoImprovement?: string;
  readonly hintBytes?: string;
  readonly backend?: string;
  readonly threads?: string;
  readonly json?: boolean;
  /** The array of an .npz file to cluster (its only array by default). */
  readonly key?: string;
  /** Whether to draw the progress bar (the CLI passes process.stderr.isTTY). */
  readonly progress: boolean;
}

/** A number option: integer or real, checked here so the message names the flag. */
export function numberOption(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || (integer && !Number.isSafeInteger(parsed))) {
    fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `invalid ${flag}`, expected: integer ? 'an integer' : 'a number', received: value });
  }
  return parsed;
}

/** The init option; centroids from a file take the points' dtype, as scikit-learn's do. */
function initOf(hp: Runtime, value: string | undefined, x: Tensor): KMeansInit | undefined {
  if (value === undefined || value === 'k-means++' || value === 'random' || value === 'first') {
    return value;
  }
  if (value.endsWith('.npy')) {
    const init = hp.load(value, { name: 'initial centroids' });
    return init.dtype === x.dtype ? init : convert(hp, init, x.dtype === 'float32' ? 'float32' : 'float64');
  }
  return fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'unknown --init', expected: 'k-means++ | random | first | CENTROIDS.npy', received: value });
}

/** The mini-batch settings from --mini-batch [rows] and --max-no-improvement, or undefined. */
function miniBatchOf(opts: KMeansCommandOptions): MiniBatchOptions | undefined {
  const patience = numberOption('--max-no-improvement', opts.maxNoImprovement, true);
  if (opts.miniBatch === undefined) {
    if (patience !== undefined) {
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: '--max-no-improvement is a mini-batch option', expected: '--mini-batch with it', received: '--max-no-improvement alone' });
    }
    return undefined;
  }
  const batchSize = opts.miniBatch === true ? undefined : numberOption('--mini-batch', opts.miniBatch, true);
  return { ...optional('batchSize', batchSize), ...optional('maxNoImprovement', patience) };
}

export async function kmeansCommand(file: string, opts: KMeansCommandOptions): Promise<number> {
  const k = numberOption('--k', opts.k, true)!;
  const threads = numberOption('--threads', opts.threads, true);
  const miniBatch = miniBatchOf(opts);
  const hp = await createRuntime({
    ...(opts.backend === undefined ? {} : { backends: [opts.backend], require: opts.backend }),
    ...(threads === undefined ? {} : { threads }),
  });
  try {
    if (outOfCore(hp, file, opts)) {
      const init = opts.init === undefined || INITS.includes(opts.init) ? (opts.init as KMeansInit | undefined) : hp.load(opts.init, { name: 'initial centroids' });
      return await kmeansFileCommand(hp, file, {
        k,
        init,
        nInit: numberOption('--n-init', opts.nInit, true),
        maxIter: numberOption('--max-iter', opts.maxIter, true) ?? 300,
        tol: numberOption('--tol', opts.tol, false),
        seed: numberOption('--seed', opts.seed, true),
        blockBytes: numberOption('--block-bytes', opts.blockBytes, true),
        miniBatch,
        hintBytes: numberOption('--hint-bytes', opts.hintBytes, true),
        labelsOut: opts.labelsOut,
        distancesOut: opts.distancesOut,
        centroidsOut: opts.centroidsOut,
        json: opts.json === true,
        progress: opts.progress,
      });
    }
    if (opts.distancesOut !== undefined) {
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: '--distances-out needs the out-of-core fit', expected: '--out-of-core with a .npy file', received: '--distances-out without it' });
    }
    const { x, convertedFrom, key } = loadPoints(hp, file, opts.key, file);
    const init = initOf(hp, opts.init, x);
    const maxIter = numberOption('--max-iter', opts.maxIter, true) ?? 300;
    const bar = opts.progress && opts.json !== true ? new SingleBar({ format: 'k-means run {run} |{bar}| iteration {value}/{total}  inertia {inertia}  shift {shift}', hideCursor: true, clearOnComplete: true }) : undefined;
    let barRun = -1;
    const onIteration = (info: IterationInfo): void => {
      if (bar === undefined) {
        return;
      }
      if (info.run !== barRun) {
        bar.stop();
        bar.start(maxIter, 0, { run: info.run + 1, inertia: '-', shift: '-' });
        barRun = info.run;
      }
      bar.update(info.iteration, { inertia: info.inertia().toPrecision(8), shift: info.shift.toExponential(3) });
    };
    const started = performance.now();
    const result = hp.kmeans(x, {
      k,
      ...(init === undefined ? {} : { init }),
      ...optional('nInit', numberOption('--n-init', opts.nInit, true)),
      maxIter,
      ...optional('tol', numberOption('--tol', opts.tol, false)),
      ...optional('seed', numberOption('--seed', opts.seed, true)),
      onIteration,
    });
    const seconds = (performance.now() - started) / 1000;
    bar?.stop();
    if (opts.labelsOut !== undefined) {
      hp.save(opts.labelsOut, result.labels);
    }
    if (opts.centroidsOut !== undefined) {
      hp.save(opts.centroidsOut, result.centroids);
    }
    const [n, d] = x.shape as [number, number];
    const backend = Object.keys(hp.stats().kernels.hamerly?.backends ?? {}).join(', ');
    const summary = {
      file,
      ...optional('key', key),
      points: n,
      features: d,
      k,
      dtype: x.dtype,
      ...optional('convertedFrom', convertedFrom),
      inertia: result.inertia,
      iterations: result.iterations,
      converged: result.converged,
      runs: result.runs,
      seconds,
      pointsPerSecond: (n * result.iterations) / seconds,
      backend,
      threads: hp.backends().find((b) => b.name === 'wasm')?.threads ?? 1,
      clusterSizes: result.clusterSizes,
      ...optional('labelsOut', opts.labelsOut),
      ...optional('centroidsOut', opts.centroidsOut),
    };
    process.stdout.write(opts.json === true ? `${JSON.stringify(summary)}\n` : describe(summary));
    release([x, result.labels, result.centroids, ...(typeof init === 'object' ? [init] : [])]);
    return 0;
  } finally {
    await hp.close();
  }
}


function release(tensors: readonly Tensor[]): void {
  tensors.forEach((t) => t.release());
}

function describe(s: { file: string; key?: string; points: number; features: number; k: number; dtype: string; convertedFrom?: string; inertia: number; iterations: number; converged: boolean; runs: number; seconds: number; pointsPerSecond: number; backend: string; threads: number; labelsOut?: string; centroidsOut?: string }): string {
  const lines = [
    `k-means on ${s.file}${s.key === undefined ? '' : `[${s.key}]`}: ${s.points} points x ${s.features} features (${s.convertedFrom === undefined ? s.dtype : `${s.convertedFrom} converted to ${s.dtype}`}), k = ${s.k}`,
    `  inertia        ${s.inertia.toPrecision(10)}`,
    `  iterations     ${s.iterations} (${s.converged ? 'converged' : 'stopped at --max-iter'}; best of ${s.runs} run${s.runs === 1 ? '' : 's'})`,
    `  time           ${s.seconds.toFixed(3)} s (${(s.pointsPerSecond / 1e6).toFixed(1)} M point-iterations per second)`,
    `  backend        ${s.backend} (${s.threads} thread${s.threads === 1 ? '' : 's'})`,
  ];
  if (s.labelsOut !== undefined) {
    lines.push(`  labels         ${s.labelsOut}`);
  }
  if (s.centroidsOut !== undefined) {
    lines.push(`  centroids      ${s.centroidsOut}`);
  }
  return `${lines.join('\n')}\n`;
}
