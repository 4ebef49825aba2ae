/**
 * `hotpath kmeans FILE.npy` out of core (with --out-of-core, or when the file is larger than the
 * heap's free room): the fit streams the file (src/kmeans/file.ts), labels and distances go
 * straight to .npy files, and every iteration reports its I/O: bytes read, read and compute
 * throughput, and whether it was I/O-bound (waiting on reads, where faster kernels cannot help).
 */
import { SingleBar } from 'cli-progress';
import type { FileIterationInfo } from '../kmeans/file.js';
import type { KMeansInit } from '../kmeans/index.js';
import type { MiniBatchOptions } from '../kmeans/miniBatch.js';
import type { Runtime } from '../runtime/runtime.js';
import { optional } from './options.js';

export interface KMeansFileSettings {
  readonly k: number;
  readonly init: KMeansInit | undefined;
  readonly nInit: number | undefined;
  readonly maxIter: number;
  readonly tol: number | undefined;
  readonly seed: number | undefined;
  readonly blockBytes: number | undefined;
  readonly miniBatch: MiniBatchOptions | undefined;
  readonly hintBytes: number | undefined;
  readonly labelsOut: string | undefined;
  readonly distancesOut: string | undefined;
  readonly centroidsOut: string | undefined;
  readonly json: boolean;
  readonly progress: boolean;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

/** One line per iteration: what was read, how fast, and the verdict. */
export function ioLine(info: FileIterationInfo): string {
  const io = info.io;
  const verdict = io.ioBound ? 'I/O-bound: waiting on reads dominates, faster kernels would not help' : 'compute-bound';
  return `run ${info.run + 1} iteration ${info.iteration}: read ${mb(io.bytes)} at ${io.readMBps.toFixed(0)} MB/s, computed at ${io.computeMBps.toFixed(0)} MB/s, I/O share ${(100 * io.ioShare).toFixed(0)}% (${verdict}); ${info.changed} labels changed`;
}

export async function kmeansFileCommand(hp: Runtime, file: string, s: KMeansFileSettings): Promise<number> {
  const bar = s.progress && !s.json ? new SingleBar({ format: 'k-means (out of core) run {run} |{bar}| iteration {value}/{total}  {io}', hideCursor: true, clearOnComplete: true }) : undefined;
  const iterations: object[] = [];
  let barRun = -1;
  const onIteration = (info: FileIterationInfo): void => {
    iterations.push({ run: info.run, iteration: info.iteration, changed: info.changed, shift: info.shift, ...info.io });
    if (bar !== undefined) {
      if (info.run !== barRun) {
        bar.stop();
        bar.start(s.maxIter, 0, { run: info.run + 1, io: '' });
        barRun = info.run;
      }
      bar.update(info.iteration, { io: `${info.io.readMBps.toFixed(0)} MB/s read, I/O ${(100 * info.io.ioShare).toFixed(0)}%${info.io.ioBound ? ' (I/O-bound)' : ''}` });
    } else if (!s.json) {
      if (s.miniBatch === undefined) {
        process.stderr.write(`${ioLine(info)}\n`);
      } else if (info.iteration === 1 || info.iteration % 100 === 0) {
        // Steps are many and small (one batch each): the first and every 100th.
        process.stderr.write(`run ${info.run + 1} step ${info.iteration}: ${info.changed} rows, centroid shift ${info.shift.toExponential(3)}\n`);
      }
    }
  };
  const started = performance.now();
  const result = await hp.kmeans(file, {
    k: s.k,
    maxIter: s.maxIter,
    ...optional('init', s.init),
    ...optional('nInit', s.nInit),
    ...optional('tol', s.tol),
    ...optional('seed', s.seed),
    ...optional('blockBytes', s.blockBytes),
    ...optional('miniBatch', s.miniBatch),
    ...optional('hintBytes', s.hintBytes),
    ...optional('labelsOut', s.labelsOut),
    ...optional('distancesOut', s.distancesOut),
    onIteration,
  });
  const seconds = (performance.now() - started) / 1000;
  bar?.stop();
  if (s.centroidsOut !== undefined) {
    hp.save(s.centroidsOut, result.centroids);
  }
  result.centroids.release();
  const summary = {
    file,
    outOfCore: true,
    ...optional('miniBatch', s.miniBatch === undefined ? undefined : { batchSize: s.miniBatch.batchSize ?? 1024, maxNoImprovement: s.miniBatch.maxNoImprovement ?? 10 }),
    points: result.n,
    features: result.d,
    k: s.k,
    inertia: result.inertia,
    iterations: result.iterations,
    converged: result.converged,
    runs: result.runs,
    seconds,
    pointsPerSecond: (result.n * result.iterations) / seconds,
    blockRows: result.blockRows,
    io: result.io,
    clusterSizes: result.clusterSizes,
    perIteration: iterations,
    ...optional('labelsOut', result.labelsPath),
    ...optional('distancesOut', result.distancesPath),
    ...optional('centroidsOut', s.centroidsOut),
  };
  if (s.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  }
  const io = result.io;
  const lines = [
    `${s.miniBatch === undefined ? 'k-means' : `mini-batch k-means (${s.miniBatch.batchSize ?? 1024} rows per step)`} out of core on ${file}: ${result.n} points x ${result.d} features, k = ${s.k}, blocks of ${result.blockRows} rows`,
    `  inertia        ${result.inertia.toPrecision(10)}`,
    `  ${s.miniBatch === undefined ? 'iterations' : 'steps     '}     ${result.iterations} (${result.converged ? 'converged' : 'stopped at --max-iter'}; best of ${result.runs} run${result.runs === 1 ? '' : 's'})`,
    `  time           ${seconds.toFixed(3)} s (${(summary.pointsPerSecond / 1e6).toFixed(1)} M point-iterations per second)`,
    `  I/O            ${mb(io.bytes)} read at ${io.readMBps.toFixed(0)} MB/s, computed at ${io.computeMBps.toFixed(0)} MB/s, I/O share ${(100 * io.ioShare).toFixed(0)}%${io.ioBound ? ' (I/O-bound)' : ''}`,
  ];
  for (const [name, path] of [['labels', result.labelsPath], ['distances', result.distancesPath], ['centroids', s.centroidsOut]] as const) {
    if (path !== undefined) {
      lines.push(`  ${name.padEnd(15)}${path}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
