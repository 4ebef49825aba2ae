/**
 * k-means with scikit-learn's semantics (`KMeans(algorithm='lloyd')`): k-means++ / random /
 * first-rows / given initial centroids, nInit runs keeping the lowest inertia, maxIter, tol
 * relative to the data's variance, sample weights, empty clusters relocated to the farthest
 * points, centroid sums in float64. The heavy step (labels and sums) is the lloyd kernel, so it
 * runs on the runtime's fastest backend with identical results on any thread count.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { lloydRun, roundFor, step, type RunResult } from './fit.js';
import { firstRows, givenCentres, kmeansPlusPlus, randomRows, type Data } from './init.js';
import { addInto, chunkCount, chunkRange, columnSums, meanOf, meanVarianceOf, momentsOf, negatedMean } from './chunks.js';
import { checkFinite, firstNonFinite, settingsOf, type KMeansOptions } from './options.js';
import { fitWithDistance, nearest } from './custom.js';
import type { UserKernel } from '../user/kernel.js';

export type { IterationInfo, KMeansInit, KMeansOptions } from './options.js';

/** What kmeans needs of a runtime: the kernels it calls by name. */
export interface KMeansRuntime extends RuntimeCore {
  pairwiseDistances(x: Tensor, y: Tensor, attrs?: { metric?: 'sqeuclidean' | 'euclidean' }): Tensor;
}

/** What the in-memory and the out-of-core fits both return. */
export interface FitSummary {
  /** [k, d], the data's dtype. The caller releases it (or uses runtime.scope). */
  readonly centroids: Tensor;
  /** Sum over points of weight times squared distance to their centroid (float64). */
  readonly inertia: number;
  /** Lloyd iterations of the kept run. */
  readonly iterations: number;
  /** Whether the kept run stopped before maxIter (labels stable or shift within tol). */
  readonly converged: boolean;
  /** Points per cluster (unweighted). */
  readonly clusterSizes: readonly number[];
  /** Runs done (nInit) and which one was kept. */
  readonly runs: number;
  readonly bestRun: number;
}

export interface KMeansResult extends FitSummary {
  /** int32 [n]: each point's cluster. */
  readonly labels: Tensor;
  /** The nearest centroid of each row of x (int32 [rows]). @throws SHAPE, DTYPE */
  predict(x: Tensor): Tensor;
  /** Euclidean distances from each row of x to every centroid ([rows, k]). @throws SHAPE, DTYPE */
  transform(x: Tensor): Tensor;
}

/**
 * Clusters the rows of x [n, d] (float32 or float64, any layout; x is not modified).
 * @example const { centroids, labels, inertia } = hp.kmeans(points, { k: 8, seed: 1 })
 * @throws SHAPE, DTYPE, ARGUMENT (bad options, k > n, NaN or Infinity in x), LIFETIME, MEMORY
 */
export function kmeans(rt: KMeansRuntime, x: Tensor, options: KMeansOptions): KMeansResult {
  if (options !== null && typeof options === 'object' && options.distance !== undefined) {
    return withDistance(rt, x, { ...options, distance: options.distance });
  }
  const s = settingsOf(x, options);
  const { n, d, k } = s;
  const round = roundFor(s.dtype);
  const mean = columnMean(rt, x);
  const xc = centred(rt, x, mean);
  try {
    const values = xc.data('kmeans') as Float32Array | Float64Array;
    const weights = s.weights === undefined ? undefined : Float64Array.from(s.weights.toArray() as Float32Array);
    const explainNonFinite = (): void => {
      checkFinite(x.toArray() as Float32Array | Float64Array, d, 'x');
      checkFinite(values, d, 'x - mean (values this large overflow when centred)');
    };
    const data: Data = { n, d, x: values, tensor: xc, weights, explainNonFinite };
    const tolScaled = s.tol === 0 ? 0 : s.tol * chunkedMeanVariance(values, n, d);
    if ((s.init === 'k-means++' || s.init === 'random') && firstNonFinite(values) >= 0) {
      // The random inits read distances before any Lloyd step could notice NaN or Infinity;
      // centring keeps them, so the centred values tell, and x is read only to name the cause.
      explainNonFinite();
    }
    const rng = xoroshiro128plus(s.seed);
    let best: RunResult | undefined;
    let bestRun = 0;
    for (let run = 0; run < s.nInit; run++) {
      const initial =
        s.init === 'first' ? firstRows(data, k) : s.init === 'random' ? randomRows(data, k, rng) : s.init === 'k-means++' ? kmeansPlusPlus(rt, data, k, rng) : givenCentres(s.init, mean, d);
      const result = lloydRun(rt, data, initial, s, tolScaled, run);
      if (best === undefined || result.inertia < best.inertia) {
        best = result;
        bestRun = run;
      }
    }
    const kept = best!;
    const sizes = new Array<number>(k).fill(0);
    for (const label of kept.labels) {
      sizes[label] = sizes[label]! + 1;
    }
    const centroidValues = kept.centers.map((v, e) => round(v + mean[e % d]!));
    const centroids = rt.tensor(s.dtype === 'float32' ? Float32Array.from(centroidValues) : centroidValues, [k, d], { name: 'kmeans centroids' });
    const labels = rt.tensor(kept.labels, [n], { name: 'kmeans labels' });
    const centers = kept.centers;
    return {
      centroids,
      labels,
      inertia: kept.inertia,
      iterations: kept.iterations,
      converged: kept.converged,
      clusterSizes: sizes,
      runs: s.nInit,
      bestRun,
      predict: (points) => predict(rt, points, mean, centers, k, s.dtype),
      transform: (points) => rt.pairwiseDistances(points, centroids, { metric: 'euclidean' }),
    };
  } finally {
    xc.release();
  }
}

/** k-means whose assignment runs the user's pairwise kernel (custom.ts). */
function withDistance(rt: KMeansRuntime, x: Tensor, options: KMeansOptions & { readonly distance: UserKernel }): KMeansResult {
  const { settings, run, bestRun } = fitWithDistance(rt, x, options);
  const { k, d } = settings;
  const sizes = new Array<number>(k).fill(0);
  for (const label of run.labels) {
    sizes[label] = sizes[label]! + 1;
  }
  const centroids = rt.tensor(Float32Array.from(run.centers), [k, d], { name: 'kmeans centroids' });
  const labels = rt.tensor(run.labels, [settings.n], { name: 'kmeans labels' });
  const points = (p: Tensor, where: string): void => {
    p.check(where);
    if (p.dtype !== 'float32' || p.rank !== 2 || p.shape[1] !== d) {
      fail({ code: p.dtype !== 'float32' ? 'DTYPE' : 'SHAPE', kernel: where, problem: 'points do not match the fitted data', expected: `float32[rows,${d}]`, received: p.describe() });
    }
  };
  return {
    centroids,
    labels,
    inertia: run.inertia,
    iterations: run.iterations,
    converged: run.converged,
    clusterSizes: sizes,
    runs: settings.nInit,
    bestRun,
    predict: (p) => {
      points(p, 'kmeans.predict');
      return rt.tensor(nearest(rt, options.distance, p, run.centers, k).labels, [p.shape[0]!], { name: 'kmeans predicted labels' });
    },
    transform: (p) => {
      points(p, 'kmeans.transform');
      return rt.run(options.distance, [p, centroids])[0]!;
    },
  };
}

/**
 * x - mean as a new row-major tensor: the add kernel broadcasts the negated mean (one add in x's
 * dtype per element, as chunks.ts's centreRows).
 */
function centred(rt: RuntimeCore, x: Tensor, mean: Float64Array): Tensor {
  return rt.scope(() => {
    const negated = rt.tensor(negatedMean(mean, x.dtype === 'float32' ? 'float32' : 'float64'), [mean.length]);
    return rt.run('add', [x, negated])[0]!;
  });
}

/** The column means of x (any layout) in the canonical chunk order (chunks.ts), one chunk copied out at a time. */
function columnMean(rt: RuntimeCore, x: Tensor): Float64Array {
  const [n, d] = x.shape as [number, number];
  const total = new Float64Array(d);
  for (let c = 0; c < chunkCount(n, d); c++) {
    const { start, end } = chunkRange(c, n, d);
    const rows = rt.scope(() => x.slice([start, end]).toArray() as Float32Array | Float64Array);
    addInto(total, columnSums(rows, end - start, d));
  }
  return meanOf(total, n);
}

/** tol's variance scale of the centred values, in the canonical chunk order. */
function chunkedMeanVariance(values: Float32Array | Float64Array, n: number, d: number): number {
  const total = { sums: new Float64Array(d), squares: new Float64Array(d) };
  for (let c = 0; c < chunkCount(n, d); c++) {
    const { start, end } = chunkRange(c, n, d);
    const part = momentsOf(values.subarray(start * d, end * d), end - start, d);
    addInto(total.sums, part.sums);
    addInto(total.squares, part.squares);
  }
  return meanVarianceOf(total, n, d);
}


function predict(rt: RuntimeCore, points: Tensor, mean: Float64Array, centers: Float64Array, k: number, dtype: string): Tensor {
  points.check('kmeans.predict');
  if (points.dtype !== dtype) {
    fail({ code: 'DTYPE', kernel: 'kmeans.predict', problem: 'points have another dtype than the fitted data', expected: dtype, received: points.describe() });
  }
  if (points.rank !== 2 || points.shape[1] !== mean.length) {
    fail({ code: 'SHAPE', kernel: 'kmeans.predict', problem: 'points do not match the fitted data', expected: `${dtype}[rows,${mean.length}]`, received: points.describe() });
  }
  const xc = centred(rt, points, mean);
  try {
    const data: Data = { n: points.shape[0]!, d: mean.length, x: xc.data('kmeans.predict') as Float32Array | Float64Array, tensor: xc, weights: undefined };
    return rt.tensor(step(rt, data, centers, k, undefined).labels, [data.n], { name: 'kmeans predicted labels' });
  } finally {
    xc.release();
  }
}
