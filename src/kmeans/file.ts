/**
 * k-means over a .npy file larger than memory: exact Lloyd, one read of the file per
 * iteration in blocks of whole chunks (block i+1 read while block i is computed), with every sum
 * in the canonical chunk order (chunks.ts), so labels, centroids, inertia and iterations are
 * bit-identical to `hp.kmeans` on the same data in memory. Memory: two blocks in the heap, the
 * init sample, O(k d) and Hamerly's hints between steps (20 bytes a row: in the heap within the
 * `hintBytes` budget, else in temporary files, fileHints.ts). Passes: the mean (and the init
 * sample), one per iteration (the first also sums tol's centred moments; mini-batch runs take a
 * pass of their own for them), one per relocation of empty clusters, and the final labels and
 * inertia.
 *
 * Init: 'first' and given centroids as in memory. 'k-means++' and 'random' run over a uniform
 * reservoir sample of `sampleRows` rows (Algorithm R, drawn from the fit's seeded generator
 * before the init's own draws); when n <= sampleRows the sample is the data in order and the
 * result is bit-identical to the in-memory fit with the same seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { addInto, centreRows, meanOf, meanVarianceOf, momentsOf, negatedMean, type Rows } from './chunks.js';
import { roundFor, stopOf, updateCenters } from './fit.js';
import { Centring, explainPass, meanPass, momentsPass, type Source } from './filePasses.js';
import { driftOf, finalPass, hamerlyPass, relocatePass } from './fileHamerly.js';
import { DiskHints, hintsFor, type FileHints } from './fileHints.js';
import { firstNonFinite } from './options.js';
import { fileSettings, ioReport, totalIo, type FileKMeansOptions, type FileSettings, type IoReport } from './fileOptions.js';
import { givenCentres, sampleCentres } from './init.js';
import { NpyOut } from './npyOut.js';
import { blockBuffers, checkUnchanged, closePoints, openPoints, ReadAhead, readRowsSync, type PassIo, type PointsFile } from './pointsFile.js';
import { predictFile } from './filePredict.js';
import { emptyClusters, moveToEmpty } from './relocate.js';
import { Reservoir } from './reservoir.js';
import { miniBatchRun, type MiniBatchStep } from './miniBatch.js';
import type { FitSummary } from './index.js';

export type { FileIterationInfo, FileKMeansOptions, IoReport } from './fileOptions.js';

export interface FileKMeansResult extends FitSummary {
  readonly n: number;
  readonly d: number;
  /** Where the labels (int32 [n]) and distances (float64 [n], Euclidean, to the own centroid) went, when asked for. */
  readonly labelsPath: string | undefined;
  readonly distancesPath: string | undefined;
  /** Rows per block read, and all reads of the fit together. */
  readonly blockRows: number;
  readonly io: IoReport;
  /** Labels of every row of another .npy file of [rows, d] points, streamed to `outPath` (int32 .npy). @throws as kmeans does for the file */
  predict(path: string, outPath: string): Promise<{ path: string; rows: number; io: IoReport }>;
}

interface Run {
  readonly centers: Float64Array;
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly sizes: number[];
  readonly out: { labels: NpyOut | undefined; distances: NpyOut | undefined };
}

/**
 * Clusters the rows of a .npy file (C order, float32 or float64, [n, d]) out of core.
 * @example const r = await hp.kmeans('points.npy', { k: 64, seed: 1, labelsOut: 'labels.npy' })
 * @throws IO, FORMAT (bad, truncated or changed file), SHAPE, DTYPE, LAYOUT, ARGUMENT (options, k > n, NaN rows: which row), MEMORY (blocks do not fit the heap)
 */
export async function kmeansFile(rt: RuntimeCore & { pairwiseDistances(x: Tensor, y: Tensor): Tensor }, path: string, options: FileKMeansOptions): Promise<FileKMeansResult> {
  const blockBytes = fileSettings.blockBytes(rt, options);
  const file = openPoints(path, blockBytes);
  const passes: PassIo[] = [];
  let scratch: string | undefined;
  let best: Run | undefined;
  try {
    const s = fileSettings.of(file, options);
    const buffers = blockBuffers(rt, file);
    const src: Source = { rt, file, buffers, ahead: new ReadAhead() };
    let centring: Centring | undefined;
    try {
      const rng = xoroshiro128plus(s.seed);
      const sampled = s.init === 'k-means++' || s.init === 'random';
      const reservoir = sampled ? new Reservoir(Math.min(file.n, s.sampleRows), file.d, file.dtype, rng) : undefined;
      const { sums, io: meanIo } = await meanPass(src, reservoir);
      passes.push(meanIo);
      if (!sums.every(Number.isFinite)) {
        await explainPass(src, undefined);
        fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `the column sums of '${path}' overflow float64`, expected: 'values whose sums are finite', received: `sums ${Array.from(sums).join(', ')}` });
      }
      const mean = meanOf(sums, file.n);
      const negated = negatedMean(mean, file.dtype);
      centring = new Centring(rt, negated);
      // tol's scale: from the first Lloyd step's pass (which centres every row anyway), or from a
      // pass of its own before a mini-batch run (which reads only its batches).
      const tol: Tol = { scaled: s.tol === 0 ? 0 : undefined };
      if (s.miniBatch !== undefined) {
        const { moments, io } = await momentsPass(src, centring);
        passes.push(io);
        if (!moments.sums.every(Number.isFinite)) {
          await explainPass(src, negated);
        }
        tol.scaled = s.tol === 0 ? 0 : s.tol * meanVarianceOf(moments, file.n, file.d);
      }
      if (reservoir !== undefined) {
        // Centring is elementwise, so the sample of raw rows centred equals the sample of centred rows.
        centreRows(reservoir.values, reservoir.rows(), negated);
        if (firstNonFinite(reservoir.values.subarray(0, reservoir.rows() * file.d)) >= 0) {
          // As in memory, where the random inits look for overflowed values before they draw.
          await explainPass(src, negated);
        }
      }
      const hintBytes = s.hintBytes ?? Math.floor(rt.heapRoomBytes() / 4);
      scratch = mkdtempSync(join(tmpdir(), 'hotpath-kmeans-'));
      let bestRun = 0;
      for (let run = 0; run < s.nInit; run++) {
        const initial = initialCentres(rt, s, file, negated, mean, reservoir, rng);
        const base = join(scratch, `run-${run}`);
        const fit = { src, s, centring, negated, run, passes };
        const result = s.miniBatch === undefined ? await lloydFile(fit, initial, tol, hintsFor(rt, file.n, file.d, hintBytes, base)) : await miniBatchFile(fit, initial, tol.scaled!, rng, base);
        if (best === undefined || result.inertia < best.inertia) {
          discard(best);
          best = result;
          bestRun = run;
        } else {
          discard(result);
        }
      }
      const kept = best!;
      kept.out.labels?.commit();
      kept.out.distances?.commit();
      const round = roundFor(file.dtype);
      const values = kept.centers.map((v, e) => round(v + mean[e % file.d]!));
      const centroids = rt.tensor(file.dtype === 'float32' ? Float32Array.from(values) : values, [s.k, file.d], { name: 'kmeans centroids' });
      const centers = kept.centers;
      return {
        centroids,
        inertia: kept.inertia,
        iterations: kept.iterations,
        converged: kept.converged,
        clusterSizes: kept.sizes,
        runs: s.nInit,
        bestRun,
        n: file.n,
        d: file.d,
        labelsPath: s.labelsOut,
        distancesPath: s.distancesOut,
        blockRows: file.blockRows,
        io: ioReport(totalIo(passes)),
        predict: (other, outPath) => predictFile(rt, other, outPath, { negated, centers, k: s.k, d: file.d, dtype: file.dtype, blockBytes }),
      };
    } catch (error) {
      discard(best);
      throw error;
    } finally {
      // The last pass read the next one's first block ahead: let that read finish first.
      await src.ahead.settle();
      centring?.release();
      buffers[0].release();
      buffers[1].release();
    }
  } finally {
    closePoints(file);
    if (scratch !== undefined) {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

function discard(run: Run | undefined): void {
  run?.out.labels?.abort();
  run?.out.distances?.abort();
}

/** Centred float64 initial centroids, as the in-memory fit chooses them. */
function initialCentres(rt: RuntimeCore & { pairwiseDistances(x: Tensor, y: Tensor): Tensor }, s: FileSettings, file: PointsFile, negated: Rows, mean: Float64Array, reservoir: Reservoir | undefined, rng: ReturnType<typeof xoroshiro128plus>): Float64Array {
  if (s.init === 'first') {
    const rows = readRowsSync(file, 0, s.k);
    centreRows(rows, s.k, negated);
    return Float64Array.from(rows);
  }
  if (reservoir === undefined) {
    return givenCentres(s.init as Tensor, mean, file.d);
  }
  const n = reservoir.rows();
  return sampleCentres(rt, reservoir.values.subarray(0, n * file.d), n, file.d, s.init as 'random' | 'k-means++', s.k, rng);
}

/** tol times the data's mean variance (fit.ts's stop rule); undefined until the first Lloyd step has summed the moments. */
interface Tol {
  scaled: number | undefined;
}

/** What every run of one fit shares. */
interface Fit {
  readonly src: Source;
  readonly s: FileSettings;
  readonly centring: Centring;
  readonly negated: Rows;
  readonly run: number;
  readonly passes: PassIo[];
}

/** One mini-batch run (miniBatch.ts), then the final pass (every point scored) for labels, inertia and outputs. */
async function miniBatchFile(fit: Fit, initial: Float64Array, tolScaled: number, rng: ReturnType<typeof xoroshiro128plus>, base: string): Promise<Run> {
  const { src, s, run, passes } = fit;
  const mb = s.miniBatch!;
  const bytes = mb.batchSize * src.file.rowBytes;
  const onStep = s.onIteration === undefined ? undefined : (info: MiniBatchStep): void => s.onIteration!({ run, iteration: info.step, shift: info.shift, changed: mb.batchSize, inertia: fileSettings.noInertia, io: ioReport({ bytes, readSeconds: 0, waitSeconds: 0, computeSeconds: 0 }) });
  checkUnchanged(src.file);
  const result = miniBatchRun(src.rt, src.file, fit.negated, initial, s.k, s.maxIter, tolScaled, mb, rng, onStep);
  passes.push({ bytes: bytes * result.steps, readSeconds: 0, waitSeconds: 0, computeSeconds: 0 });
  const hints = new DiskHints(src.rt, base, src.file.n, src.file.d);
  try {
    return await finish(fit, result.centers, hints, new Float64Array(s.k), 'fresh', { iterations: result.steps, converged: result.converged });
  } finally {
    hints.release();
  }
}

/** The final pass of a run: labels, inertia, sizes, the outputs under temporary names. */
async function finish(fit: Fit, centers: Float64Array, hints: FileHints, drift: Float64Array, mode: 'final' | 'fresh' | 'stored', how: { iterations: number; converged: boolean }): Promise<Run> {
  const { src, s, run } = fit;
  const out = { labels: s.labelsOut === undefined ? undefined : new NpyOut(s.labelsOut, 'int32', src.file.n, run), distances: undefined as NpyOut | undefined };
  try {
    out.distances = s.distancesOut === undefined ? undefined : new NpyOut(s.distancesOut, 'float64', src.file.n, run);
    const final = await finalPass(src, fit.centring, centers, s.k, hints, drift, mode, out);
    fit.passes.push(final.io);
    return { centers, inertia: final.inertia, sizes: final.sizes, out, ...how };
  } catch (error) {
    out.labels?.abort();
    out.distances?.abort();
    throw error;
  }
}

/**
 * One run of exact Lloyd over the file (fit.ts's lloydRun, pass by pass), with the hamerly
 * kernel and its `hints` (released here).
 */
async function lloydFile(fit: Fit, initial: Float64Array, tol: Tol, hints: FileHints): Promise<Run> {
  const { src, s, centring, run, passes } = fit;
  const { k } = s;
  const d = src.file.d;
  const round = roundFor(src.file.dtype);
  let centers: Float64Array = initial.map(round);
  let iterations = 0;
  let strict = false;
  let converged = false;
  let drift: Float64Array = new Float64Array(k);
  try {
    for (let it = 0; it < s.maxIter; it++) {
      // The centred moments in chunk order (chunks.ts), while the step centres the rows anyway.
      const moments = tol.scaled === undefined ? { sums: new Float64Array(d), squares: new Float64Array(d) } : undefined;
      const step = await hamerlyPass(src, centring, centers, k, hints, drift, it === 0 ? 'first' : 'step', moments && (({ rows, centred }) => {
        const part = momentsOf(centred, rows, d);
        addInto(moments.sums, part.sums);
        addInto(moments.squares, part.squares);
      }));
      if (it === 0 && !step.sums.every(Number.isFinite)) {
        // Every point adds to some cluster's float64 sums, so values that overflowed when
        // centred show here, as in memory (the mean pass has named any NaN in the file).
        await explainPass(src, fit.negated);
      }
      if (moments !== undefined) {
        tol.scaled = s.tol * meanVarianceOf(moments, src.file.n, d);
      }
      const io = [step.io];
      const empty = emptyClusters(step.counts);
      if (empty.length > 0) {
        const { picks, io: moreIo } = await relocatePass(src, centring, centers, empty.length, hints);
        moveToEmpty(step.sums, step.counts, empty, picks, d);
        io.push(moreIo);
      }
      passes.push(...io);
      const { next, shift } = updateCenters(step.sums, step.counts, centers, k, d, round);
      drift = driftOf(centers, next, k, d);
      centers = next;
      iterations = it + 1;
      s.onIteration?.({ run, iteration: iterations, shift, changed: step.changed, inertia: fileSettings.noInertia, io: ioReport(totalIo(io)) });
      const stop = stopOf(step.changed, shift, tol.scaled!);
      strict = stop === 'strict';
      converged = stop !== undefined;
      if (converged) {
        break;
      }
    }
    return await finish(fit, centers, hints, drift, strict ? 'stored' : 'final', { iterations, converged });
  } finally {
    hints.release();
  }
}
