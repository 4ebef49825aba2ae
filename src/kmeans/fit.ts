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
import { emptyClusters, Farthest, moveToEmpty } from './relocate.js';
import { addStep, chunkCount, chunkRange, emptyStep, inertiaOf as chunkInertia } from './chunks.js';

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
 * What carries from one step to the next so the hamerly kernel can skip points, per chunk
 * (chunks.ts: the kernel runs once per chunk so that the sums are added in the canonical
 * order): the labels and Hamerly's bounds of the last step as heap tensors, and how far each
 * centroid has moved since (the kernel widens the bounds by it).
 */
export class Hints {
  private readonly chunks: { readonly start: number; readonly end: number; labels: Tensor; bounds: Tensor }[] = [];
  private readonly drift: Tensor;
  /** The labels of the last step; undefined before the first (every label then counts as changed, as scikit-learn's -1). */
  private previous: Int32Array | undefined;

  constructor(private readonly rt: RuntimeCore, n: number, d: number, k: number) {
    this.drift = rt.zeros([k], 'float64');
    try {
      for (let c = 0; c < chunkCount(n, d); c++) {
        const { start, end } = chunkRange(c, n, d);
        // Upper Infinity, lower 0: no claim, every point is scored in the first step.
        const initial = new Float64Array(2 * (end - start));
        for (let i = 0; i < end - start; i++) {
          initial[2 * i] = Infinity;
        }
        // Made in one scope so that a failed allocation leaves neither behind.
        const [labels, bounds] = rt.scope(() => [rt.zeros([end - start], 'int32'), rt.tensor(initial, [end - start, 2], { name: 'hamerly bounds' })]);
        this.chunks.push({ start, end, labels: labels!, bounds: bounds! });
      }
    } catch (error) {
      this.release();
      throw error;
    }
  }

  /**
   * One hamerly step with these hints, chunk by chunk; keeps the new labels and bounds. Sums and
   * counts are the chunks' added in chunk order; `changed` counts the points whose label
   * differs from the previous step's.
   */
  step(data: Data, centers: Float64Array, k: number, weights: Tensor | undefined): { labels: Int32Array; sums: Float64Array; counts: Float64Array; changed: number; check: (where: string) => void } {
    const rt = this.rt;
    const { n, d } = data;
    const total = emptyStep(k, d);
    const labels = new Int32Array(n);
    const c = rt.tensor(data.x instanceof Float32Array ? Float32Array.from(centers) : Float64Array.from(centers), [k, d]);
    try {
      for (const chunk of this.chunks) {
        const [newLabels, newBounds] = rt.scope(() => {
          const x = data.tensor.slice([chunk.start, chunk.end]);
          const w = weights?.slice([chunk.start, chunk.end]);
          const [l, sums, counts, bounds] = rt.run('hamerly', [x, c, chunk.labels, chunk.bounds, this.drift, ...(w === undefined ? [] : [w])]);
          addStep(total, { sums: sums!.data('kmeans') as Float64Array, counts: counts!.data('kmeans') as Float64Array });
          labels.set(l!.data('kmeans') as Int32Array, chunk.start);
          return [l!, bounds!];
        });
        chunk.labels.release();
        chunk.bounds.release();
        chunk.labels = newLabels!;
        chunk.bounds = newBounds!;
      }
    } finally {
      c.release();
    }
    const before = this.previous;
    let changed = n;
    if (before !== undefined) {
      changed = 0;
      for (let i = 0; i < n; i++) {
        changed += labels[i] !== before[i] ? 1 : 0;
      }
    }
    this.previous = labels;
    // The heap labels of this step live until the next step releases them.
    const live = this.chunks.map((chunk) => chunk.labels);
    const check = (where: string): void => live.forEach((t) => t.check(where));
    return { labels, sums: total.sums, counts: total.counts, changed, check };
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
    for (const chunk of this.chunks) {
      chunk.labels.release();
      chunk.bounds.release();
    }
    this.drift.release();
  }
}

/** sum of w * |x_i - c_label|^2 in float64, chunk by chunk in the canonical order (chunks.ts). */
export function inertiaOf(data: Data, centers: Float64Array, labels: Int32Array): number {
  const { n, d, x, weights } = data;
  let total = 0;
  for (let c = 0; c < chunkCount(n, d); c++) {
    const { start, end } = chunkRange(c, n, d);
    total += chunkInertia(x.subarray(start * d, end * d), end - start, d, centers, labels.subarray(start, end), weights?.subarray(start, end));
  }
  return total;
}

/** scikit-learn's relocation of empty clusters (relocate.ts), over the data in memory. */
function relocateEmpty(data: Data, old: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array): void {
  const empty = emptyClusters(counts);
  if (empty.length === 0) {
    return;
  }
  const { n, d, x, weights } = data;
  const far = new Float64Array(n);
  chunkInertia(x, n, d, old, labels, undefined, far);
  const top = new Farthest(empty.length);
  for (let i = 0; i < n; i++) {
    top.offer(far[i]!, i, () => x.subarray(i * d, (i + 1) * d), labels[i]!, weights === undefined ? 1 : weights[i]!);
  }
  moveToEmpty(sums, counts, empty, top.chosen(), d);
}

/**
 * The Lloyd update after a step's totals (and any relocation): each centre becomes its sums over
 * its count, rounded to the data's dtype (a cluster still empty keeps its centre); `shift` is the
 * total squared movement, compared with tol times the variance scale (stop when <=).
 */
export function updateCenters(sums: Float64Array, counts: Float64Array, centers: Float64Array, k: number, d: number, round: Round): { next: Float64Array; shift: number } {
  const next = new Float64Array(k * d);
  let shift = 0;
  for (let j = 0; j < k; j++) {
    const count = counts[j]!;
    for (let p = 0; p < d; p++) {
      const v = count > 0 ? round(sums[j * d + p]! / count) : centers[j * d + p]!;
      next[j * d + p] = v;
      shift += (v - centers[j * d + p]!) ** 2;
    }
  }
  return { next, shift };
}

/** Why a run stops after a step: its labels did not change (strict), or the centroids moved by at most tol; undefined: go on. */
export function stopOf(changed: number, shift: number, tolScaled: number): 'strict' | 'tol' | undefined {
  if (changed === 0) {
    return 'strict';
  }
  return shift <= tolScaled ? 'tol' : undefined;
}

/** One k-means run from `initial` (centred coordinates). */
export function lloydRun(rt: RuntimeCore, data: Data, initial: Float64Array, settings: Settings, tolScaled: number, run: number): RunResult {
  const { k, d, maxIter } = settings;
  const round = roundFor(settings.dtype);
  let centers: Float64Array = initial.map(round);
  let labels: Int32Array = new Int32Array(0);
  let iterations = 0;
  let strict = false;
  let converged = false;
  const hints = new Hints(rt, data.n, d, k);
  try {
    for (let it = 0; it < maxIter; it++) {
      const result = hints.step(data, centers, k, settings.weights);
      if (it === 0 && !result.sums.every(Number.isFinite)) {
        // Every point adds to some cluster's float64 sums (0 * NaN is NaN), so this is where NaN
        // or Infinity in the data shows, at no cost to clean data.
        data.explainNonFinite?.();
      }
      labels = result.labels;
      relocateEmpty(data, centers, labels, result.sums, result.counts);
      const { next, shift } = updateCenters(result.sums, result.counts, centers, k, d, round);
      const assignedTo = centers;
      hints.moved(centers, next, k, d);
      centers = next;
      iterations = it + 1;
      const changed = result.changed;
      const current = result.labels;
      // inertia() may be kept and called later: it is valid while this step's heap labels are
      // (the next step releases them) and reads the centred data through its tensor, so a late
      // call throws LIFETIME instead of reading heap bytes that belong to someone else by then.
      const inertia = (): number => {
        const where = 'kmeans.onIteration inertia()';
        result.check(where);
        return inertiaOf({ ...data, x: data.tensor.data(where) as Float32Array | Float64Array }, assignedTo, current);
      };
      settings.onIteration?.({ run, iteration: iterations, shift, changed, inertia } satisfies IterationInfo);
      const stop = stopOf(changed, shift, tolScaled);
      strict = stop === 'strict';
      converged = stop !== undefined;
      if (converged) {
        break;
      }
    }
    if (!strict) {
      // Labels that match the final centroids (the last step assigned to the previous ones).
      labels = hints.step(data, centers, k, settings.weights).labels;
    }
  } finally {
    hints.release();
  }
  return { centers, labels, inertia: inertiaOf(data, centers, labels), iterations, converged };
}
