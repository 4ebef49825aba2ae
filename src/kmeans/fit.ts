/**
 * Lloyd's algorithm with scikit-learn's semantics, on top of the lloyd kernel (assignment and
 * float64 sums on the runtime's backend). The data are centred first (as scikit-learn does),
 * each iteration divides the sums into new centroids, relocates empty clusters to the points
 * farthest from their centres, and stops on unchanged labels (strict convergence) or when the
 * centroids' total squared movement is at most tol times the mean feature variance.
 */
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Data } from './init.js';
import type { IterationInfo, Settings } from './options.js';

export interface RunResult {
  /** Centroids in centred coordinates, [k, d], rounded to the data's dtype. */
  readonly centers: Float64Array;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly iterations: number;
  /** True when labels stopped changing or the shift fell within tol before maxIter. */
  readonly converged: boolean;
}

type Round = (v: number) => number;

export function roundFor(dtype: string): Round {
  return dtype === 'float32' ? Math.fround : (v) => v;
}

/** One lloyd kernel call: labels, float64 sums [k, d] and counts [k]. */
export function step(rt: RuntimeCore, data: Data, centers: Float64Array, k: number, weights: Tensor | undefined): { labels: Int32Array; sums: Float64Array; counts: Float64Array } {
  return rt.scope(() => {
    const c = rt.tensor(data.x instanceof Float32Array ? Float32Array.from(centers) : Float64Array.from(centers), [k, data.d]);
    const [labels, sums, counts] = rt.run('lloyd', weights === undefined ? [data.tensor, c] : [data.tensor, c, weights]);
    return { labels: labels!.toArray() as Int32Array, sums: sums!.toArray() as Float64Array, counts: counts!.toArray() as Float64Array };
  });
}

/**
 * What carries from one step to the next so the hamerly kernel can skip points: the labels and
 * Hamerly's bounds of the last step, as heap tensors (no copies), and how far each centroid has
 * moved since (the kernel widens the bounds by it).
 */
export class Hints {
  private labels: Tensor;
  private bounds: Tensor;
  private drift: Tensor;

  constructor(private readonly rt: RuntimeCore, n: number, k: number) {
    // Upper Infinity, lower 0: no claim, every point is scored in the first step.
    const initial = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      initial[2 * i] = Infinity;
    }
    // Made in one scope so that a failed allocation leaves none of them behind.
    [this.labels, this.drift, this.bounds] = rt.scope(() => [rt.zeros([n], 'int32'), rt.zeros([k], 'float64'), rt.tensor(initial, [n, 2], { name: 'hamerly bounds' })]);
  }


  /** Whether no step has run yet (every label then counts as changed, as scikit-learn's -1). */
  private first = true;

  /**
   * One hamerly step with these hints; keeps the new labels and bounds. `labels` is a view of
   * the heap, valid until the next step (no copy of n labels per iteration); `changed` counts
   * the points whose label differs from the previous step's.
   */
  step(data: Data, centers: Float64Array, k: number, weights: Tensor | undefined): { labels: Int32Array; labelsTensor: Tensor; sums: Float64Array; counts: Float64Array; changed: number } {
    const rt = this.rt;
    const c = rt.tensor(data.x instanceof Float32Array ? Float32Array.from(centers) : Float64Array.from(centers), [k, data.d]);
    try {
      const inputs = [data.tensor, c, this.labels, this.bounds, this.drift, ...(weights === undefined ? [] : [weights])];
      const [labels, sums, counts, bounds] = rt.run('hamerly', inputs);
      const now = labels!.data('kmeans') as Int32Array;
      let changed = now.length;
      if (!this.first) {
        const before = this.labels.data('kmeans') as Int32Array;
        changed = 0;
        for (let i = 0; i < now.length; i++) {
          changed += now[i] !== before[i] ? 1 : 0;
        }
      }
      this.first = false;
      this.labels.release();
      this.bounds.release();
      this.labels = labels!;
      this.bounds = bounds!;
      const out = { labels: now, labelsTensor: labels!, sums: sums!.toArray() as Float64Array, counts: counts!.toArray() as Float64Array, changed };
      sums!.release();
      counts!.release();
      return out;
    } finally {
      c.release();
    }
  }

  /** Records how far each centroid moved from `before` to `after` (rounded up), for the next step. */
  moved(before: Float64Array, after: Float64Array, k: number, d: number): void {
    const drift = this.drift.data('kmeans') as Float64Array;
    for (let j = 0; j < k; j++) {
      let sq = 0;
      for (let p = 0; p < d; p++) {
        sq += (after[j * d + p]! - before[j * d + p]!) ** 2;
      }
      drift[j] = Math.sqrt(sq) * (1 + 1e-12);
    }
  }

  release(): void {
    this.labels.release();
    this.bounds.release();
    this.drift.release();
  }
}

/** sum of w * |x_i - c_label|^2 in float64. */
export function inertiaOf(data: Data, centers: Float64Array, labels: Int32Array): number {
  const { n, d, x, weights } = data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = labels[i]! * d;
    let dist = 0;
    for (let p = 0; p < d; p++) {
      const diff = x[i * d + p]! - centers[base + p]!;
      dist += diff * diff;
    }
    total += (weights === undefined ? 1 : weights[i]!) * dist;
  }
  return total;
}

/**
 * Moves each empty cluster onto one of the points farthest from their (old) centres, farthest
 * first, taking that point's weight out of its own cluster (scikit-learn's relocation; labels
 * are not changed, as there).
 */
function relocateEmpty(data: Data, old: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array, k: number): void {
  const empty: number[] = [];
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) {
      empty.push(j);
    }
  }
  if (empty.length === 0) {
    return;
  }
  const { n, d, x, weights } = data;
  const far = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = labels[i]! * d;
    let dist = 0;
    for (let p = 0; p < d; p++) {
      const diff = x[i * d + p]! - old[base + p]!;
      dist += diff * diff;
    }
    far[i] = dist;
  }
  const order = farthest(far, empty.length);
  empty.forEach((j, e) => {
    const id = order[e]!;
    const w = weights === undefined ? 1 : weights[id]!;
    const from = labels[id]!;
    for (let p = 0; p < d; p++) {
      const v = w * x[id * d + p]!;
      sums[from * d + p] = sums[from * d + p]! - v;
      sums[j * d + p] = v;
    }
    counts[from] = counts[from]! - w;
    counts[j] = w;
  });
}

/**
 * Indices of the m largest values, largest first (lower index first among equal values): one
 * pass keeping a small sorted list, O(n m) for the few empty clusters instead of a full sort.
 */
function farthest(values: Float64Array, m: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (top.length === m && !(v > values[top[m - 1]!]!)) {
      continue;
    }
    let at = top.length === m ? m - 1 : top.length;
    while (at > 0 && v > values[top[at - 1]!]!) {
      at--;
    }
    top.splice(at, 0, i);
    if (top.length > m) {
      top.pop();
    }
  }
  return top;
}

/** One k-means run from `initial` (centred coordinates). */
export function lloydRun(rt: RuntimeCore, data: Data, initial: Float64Array, settings: Settings, tolScaled: number, run: number): RunResult {
  const { k, d, maxIter } = settings;
  const round = roundFor(settings.dtype);
  let centers = initial.map(round);
  let labels: Int32Array = new Int32Array(0);
  let iterations = 0;
  let strict = false;
  let converged = false;
  const hints = new Hints(rt, data.n, k);
  try {
    for (let it = 0; it < maxIter; it++) {
      const result = hints.step(data, centers, k, settings.weights);
      if (it === 0 && !result.sums.every(Number.isFinite)) {
        // Every point adds to some cluster's float64 sums (0 * NaN is NaN), so this is where NaN
        // or Infinity in the data shows, at no cost to clean data.
        data.explainNonFinite?.();
      }
      labels = result.labels;
      relocateEmpty(data, centers, labels, result.sums, result.counts, k);
      const next = new Float64Array(k * d);
      let shift = 0;
      for (let j = 0; j < k; j++) {
        const count = result.counts[j]!;
        for (let p = 0; p < d; p++) {
          // A cluster emptied by the relocation keeps its centre.
          const v = count > 0 ? round(result.sums[j * d + p]! / count) : centers[j * d + p]!;
          next[j * d + p] = v;
          shift += (v - centers[j * d + p]!) ** 2;
        }
      }
      const assignedTo = centers;
      hints.moved(centers, next, k, d);
      centers = next;
      iterations = it + 1;
      const changed = result.changed;
      const current = result.labelsTensor;
      // inertia() may be kept and called later: it reads the labels and the centred data through
      // their tensors, so once the next step (or the end of the fit) has released them it throws
      // LIFETIME instead of reading heap bytes that belong to someone else by then.
      const inertia = (): number => {
        const where = 'kmeans.onIteration inertia()';
        return inertiaOf({ ...data, x: data.tensor.data(where) as Float32Array | Float64Array }, assignedTo, current.data(where) as Int32Array);
      };
      settings.onIteration?.({ run, iteration: iterations, shift, changed, inertia } satisfies IterationInfo);
      if (changed === 0) {
        strict = true;
        converged = true;
        break;
      }
      if (shift <= tolScaled) {
        converged = true;
        break;
      }
    }
    if (!strict) {
      // Labels that match the final centroids (the last step assigned to the previous ones).
      labels = hints.step(data, centers, k, settings.weights).labels;
    }
    // The heap view dies with the hints: one copy, at the end.
    labels = Int32Array.from(labels);
  } finally {
    hints.release();
  }
  return { centers, labels, inertia: inertiaOf(data, centers, labels), iterations, converged };
}
