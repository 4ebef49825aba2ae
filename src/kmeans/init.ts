/**
 * Initial centroids, as scikit-learn chooses them: greedy k-means++ (2 + ln k local trials per
 * centre, each trial drawn with probability proportional to weight times squared distance to
 * the nearest chosen centre, the trial that lowers the total most kept), `random` (k distinct
 * points, weighted when weights are given), or the first k rows. Distances for k-means++ come
 * from the pairwiseDistances kernel on the runtime's backend.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { fail } from '../errors.js';
import { checkFinite } from './options.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';

export type Rows = Float32Array | Float64Array;

export interface Data {
  readonly n: number;
  readonly d: number;
  /** The (centred) points, row-major [n, d]. */
  readonly x: Rows;
  /** The same points as a runtime tensor. */
  readonly tensor: Tensor;
  readonly weights: Float64Array | undefined;
  /** Throws ARGUMENT naming the first non-finite value of the user's data (called when a step's sums are not finite). */
  readonly explainNonFinite?: () => void;
}

/** Centroids as float64 [k, d] copied from the given rows. */
export function rowsOf(data: Data, ids: readonly number[]): Float64Array {
  const { d, x } = data;
  const out = new Float64Array(ids.length * d);
  ids.forEach((id, j) => {
    for (let p = 0; p < d; p++) {
      out[j * d + p] = x[id * d + p]!;
    }
  });
  return out;
}

export function firstRows(data: Data, k: number): Float64Array {
  return rowsOf(data, Array.from({ length: k }, (_, i) => i));
}

/** The first index whose cumulative sum reaches `target` (numpy searchsorted, side left), clipped to n - 1. */
function searchSorted(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return Math.min(lo, cumulative.length - 1);
}

function cumulativeOf(values: ArrayLike<number>, weights: Float64Array | undefined): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += (weights === undefined ? 1 : weights[i]!) * values[i]!;
    out[i] = sum;
  }
  return out;
}

/** k distinct points, each drawn with probability proportional to its weight among those left. */
export function randomRows(data: Data, k: number, rng: RandomGenerator): Float64Array {
  const { n, weights } = data;
  const ids: number[] = [];
  if (weights === undefined) {
    // A partial Fisher-Yates shuffle.
    const order = Array.from({ length: n }, (_, i) => i);
    for (let j = 0; j < k; j++) {
      const pick = j + Math.floor(uniformFloat64(rng) * (n - j));
      [order[j], order[pick]] = [order[pick]!, order[j]!];
      ids.push(order[j]!);
    }
    return rowsOf(data, ids);
  }
  const left = Float64Array.from(weights);
  const positive = left.reduce((count, w) => count + (w > 0 ? 1 : 0), 0);
  if (positive < k) {
    fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: "too few points with weight > 0 for init 'random'", expected: `at least k = ${k}`, received: `${positive}` });
  }
  for (let j = 0; j < k; j++) {
    const cumulative = cumulativeOf(left, undefined);
    let id = searchSorted(cumulative, uniformFloat64(rng) * cumulative[n - 1]!);
    // A draw that lands on a zero weight (only by rounding at either end of the range): take
    // the nearest positive one.
    while (left[id] === 0 && id > 0) {
      id -= 1;
    }
    while (left[id] === 0) {
      id += 1;
    }
    ids.push(id);
    left[id] = 0;
  }
  return rowsOf(data, ids);
}

/**
 * 'random' or 'k-means++' centres drawn from a sample of n centred rows (row-major values, no
 * weights), as the out-of-core fit and the batch coordinator draw them from their reservoir.
 * @example sampleCentres(rt, values, n, d, 'k-means++', k, rng)
 */
export function sampleCentres(rt: RuntimeCore & { pairwiseDistances(x: Tensor, y: Tensor): Tensor }, values: Rows, n: number, d: number, init: 'random' | 'k-means++', k: number, rng: RandomGenerator): Float64Array {
  return rt.scope(() => {
    const tensor = rt.tensor(values, [n, d], { name: 'kmeans init sample' });
    const data: Data = { n, d, x: tensor.data('kmeans') as Rows, tensor, weights: undefined };
    return init === 'random' ? randomRows(data, k, rng) : kmeansPlusPlus(rt, data, k, rng);
  });
}

/** Greedy k-means++ (scikit-learn's _kmeans_plusplus). */
export function kmeansPlusPlus(rt: RuntimeCore & { pairwiseDistances(x: Tensor, y: Tensor): Tensor }, data: Data, k: number, rng: RandomGenerator): Float64Array {
  const { n, d, weights } = data;
  const trials = 2 + Math.floor(Math.log(k));
  const first = weights === undefined ? Math.min(n - 1, Math.floor(uniformFloat64(rng) * n)) : searchSorted(cumulativeOf(weights, undefined), uniformFloat64(rng) * cumulativeOf(weights, undefined)[n - 1]!);
  const ids = [first];
  let closest = distancesTo(rt, data, [first])[0]!;
  let potential = cumulativeOf(closest, weights)[n - 1]!;
  for (let c = 1; c < k; c++) {
    const cumulative = cumulativeOf(closest, weights);
    const candidates = Array.from({ length: trials }, () => searchSorted(cumulative, uniformFloat64(rng) * potential));
    const rows = distancesTo(rt, data, candidates);
    // The first trial unless another lowers the potential (numpy's argmin, also when every
    // potential overflows to Infinity).
    let best = 0;
    let bestPotential = Infinity;
    let bestRow: Float64Array | undefined;
    rows.forEach((row, t) => {
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i]!, row[i]!);
        row[i] = v;
        pot += (weights === undefined ? 1 : weights[i]!) * v;
      }
      if (pot < bestPotential) {
        bestPotential = pot;
        best = t;
        bestRow = row;
      }
    });
    ids.push(candidates[best]!);
    closest = bestRow ?? rows[0]!;
    potential = bestPotential;
  }
  return rowsOf(data, ids);
}

/** Squared distances from each of the given points to every point, one float64 row each. */
function distancesTo(rt: RuntimeCore & { pairwiseDistances(x: Tensor, y: Tensor): Tensor }, data: Data, ids: readonly number[]): Float64Array[] {
  const { n, d } = data;
  return rt.scope(() => {
    const chosen = rt.tensor(data.x.constructor === Float32Array ? Float32Array.from(rowsOf(data, ids)) : rowsOf(data, ids), [ids.length, d]);
    const dist = rt.pairwiseDistances(chosen, data.tensor).toArray() as Float32Array | Float64Array;
    return ids.map((_, t) => Float64Array.from(dist.subarray(t * n, (t + 1) * n)));
  });
}

/** Given initial centroids [k, d] in centred coordinates (float64). @throws ARGUMENT for NaN or Infinity */
export function givenCentres(init: Tensor, mean: Float64Array, d: number): Float64Array {
  const values = init.toArray() as Float32Array | Float64Array;
  checkFinite(values, d, 'init');
  return Float64Array.from(values, (v, e) => v - mean[e % d]!);
}
