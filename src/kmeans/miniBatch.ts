/**
 * Mini-batch k-means over a points file with scikit-learn's MiniBatchKMeans update (1.2): each
 * step draws `batchSize` row indices uniformly with replacement (floor(u * n), u from the fit's
 * seeded generator after the init's draws), assigns the batch's (centred) rows to their nearest
 * centroids (the lloyd kernel, which also gives the batch's float64 sums and counts per centroid),
 * and moves every centroid j that got points to (c_j * n_j + sum_batch_j) * (1 / (n_j + m_j)),
 * n_j the points it has absorbed so far (scikit-learn multiplies by that reciprocal too), then
 * rounds to the data's dtype. Stopping as scikit-learn's: after maxSteps = floor(maxIter * n /
 * batchSize) steps, when the centroids' squared movement is at most tol times the variance scale
 * (tol > 0), or when the exponentially weighted batch inertia (weight min(1, 2 batchSize /
 * (n + 1)), the first step ignored) has not improved for maxNoImprovement steps. Not done here:
 * scikit-learn's random reassignment of small clusters (its reassignment_ratio) and its
 * init over init_size points with n_init = 3 (the fit's init runs instead).
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { RuntimeCore } from '../runtime/core.js';
import { centreRows, chunkStep, inertiaOf, type Rows } from './chunks.js';
import type { PointsFile } from './pointsFile.js';
import { readRowsSync } from './pointsFile.js';

export interface MiniBatchOptions {
  /** Rows per step (scikit-learn's batch_size). Default 1024. */
  readonly batchSize?: number;
  /** Stop after this many steps without improvement of the smoothed batch inertia (max_no_improvement). Default 10; 0 turns it off. */
  readonly maxNoImprovement?: number;
}

export interface MiniBatchSettings {
  readonly batchSize: number;
  readonly maxNoImprovement: number;
}

export interface MiniBatchRun {
  /** Centred centroids, float64 values of the data's dtype. */
  readonly centers: Float64Array;
  readonly steps: number;
  readonly converged: boolean;
}

/** What a step reports (onIteration): the batch's inertia per row against the centroids before the step, and the centroids' squared movement. */
export interface MiniBatchStep {
  readonly step: number;
  readonly batchInertia: number;
  readonly shift: number;
}

/** The batch's rows, in draw order, centred. */
function drawBatch(file: PointsFile, negated: Rows, size: number, rng: RandomGenerator): Rows {
  const d = file.d;
  const rows = file.dtype === 'float32' ? new Float32Array(size * d) : new Float64Array(size * d);
  for (let i = 0; i < size; i++) {
    const index = Math.min(file.n - 1, Math.floor(uniformFloat64(rng) * file.n));
    rows.set(readRowsSync(file, index, 1), i * d);
  }
  centreRows(rows, size, negated);
  return rows;
}

/**
 * Runs the mini-batch steps from `initial` (centred float64 centroids).
 * @throws what the lloyd kernel and the file reads throw
 */
export function miniBatchRun(rt: RuntimeCore, file: PointsFile, negated: Rows, initial: Float64Array, k: number, maxIter: number, tolScaled: number, mb: MiniBatchSettings, rng: RandomGenerator, onStep?: (info: MiniBatchStep) => void): MiniBatchRun {
  const d = file.d;
  const round = file.dtype === 'float32' ? Math.fround : (v: number): number => v;
  const centers: Float64Array = initial.map(round);
  const absorbed = new Float64Array(k);
  const maxSteps = Math.max(1, Math.floor((maxIter * file.n) / mb.batchSize));
  const alpha = Math.min(1, (2 * mb.batchSize) / (file.n + 1));
  let ewa: number | undefined;
  let ewaMin: number | undefined;
  let noImprovement = 0;
  let step = 0;
  while (step < maxSteps) {
    const batch = drawBatch(file, negated, mb.batchSize, rng);
    const part = rt.scope(() => {
      const x = rt.tensor(batch, [mb.batchSize, d], { name: 'kmeans mini-batch' });
      const c = rt.tensor(file.dtype === 'float32' ? Float32Array.from(centers) : Float64Array.from(centers), [k, d]);
      return chunkStep(rt, x, c);
    });
    const batchInertia = inertiaOf(batch, mb.batchSize, d, centers, part.labels, undefined) / mb.batchSize;
    let shift = 0;
    for (let j = 0; j < k; j++) {
      const m = part.counts[j]!;
      if (m === 0) {
        continue;
      }
      const total = absorbed[j]! + m;
      const scale = 1 / total;
      for (let p = 0; p < d; p++) {
        const e = j * d + p;
        const v = round((centers[e]! * absorbed[j]! + part.sums[e]!) * scale);
        shift += (v - centers[e]!) ** 2;
        centers[e] = v;
      }
      absorbed[j] = total;
    }
    step++;
    onStep?.({ step, batchInertia, shift });
    if (step === 1) {
      // scikit-learn ignores the first step: its inertia is the init's.
      continue;
    }
    ewa = ewa === undefined ? batchInertia : ewa * (1 - alpha) + batchInertia * alpha;
    if (tolScaled > 0 && shift <= tolScaled) {
      return { centers, steps: step, converged: true };
    }
    if (ewaMin === undefined || ewa < ewaMin) {
      noImprovement = 0;
      ewaMin = ewa;
    } else {
      noImprovement++;
    }
    if (mb.maxNoImprovement > 0 && noImprovement >= mb.maxNoImprovement) {
      return { centers, steps: step, converged: true };
    }
  }
  return { centers, steps: step, converged: false };
}
