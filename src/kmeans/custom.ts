/**
 * k-means with a user distance: hotpath's Lloyd loop (init, assignment, float64 centroid means,
 * convergence, nInit) with the assignment step run by the user's own pairwise kernel, compiled to
 * SIMD on every thread like any kernel. The data are not centred (a user distance need not be
 * translation-invariant); inertia is the sum of each point's (weighted) distance to its
 * centroid, in the user's distance; k-means++ samples by the squared user distance.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import type { UserKernel } from '../user/kernel.js';
import { firstRows, randomRows, type Data } from './init.js';
import { meanVarianceOf, momentsOf } from './chunks.js';
import { checkFinite, settingsOf, type KMeansOptions, type Settings } from './options.js';

/** The nearest centroid of each point (first on ties; a NaN distance never wins) and its distance. */
export interface Nearest {
  readonly labels: Int32Array;
  readonly distances: Float64Array;
}

/**
 * Each point's nearest centroid by the user's kernel: its `<name>.nearest` companion (loaded with
 * it), which on wasm keeps the running minimum in the compiled loop instead of writing the
 * [n, k] distance matrix.
 */
export function nearest(rt: RuntimeCore, distance: UserKernel, x: Tensor, centers: Float64Array, k: number): Nearest {
  return rt.scope(() => {
    const c = rt.tensor(Float32Array.from(centers), [k, x.shape[1]!], { name: 'kmeans centroids' });
    // Checks that the kernel itself is loaded (its companion is loaded with it).
    rt.explain(distance, [x, c]);
    const [labels, distances] = rt.run(`${distance.name}.nearest`, [x, c]);
    return { labels: Int32Array.from(labels!.toArray() as Int32Array), distances: Float64Array.from(distances!.toArray() as Float32Array) };
  });
}

interface Run {
  readonly centers: Float64Array;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * The fit: `options.distance` is a loaded pairwise kernel ([n, d] x [k, d] -> [n, k]).
 * @throws ARGUMENT (not a pairwise kernel, not loaded), DTYPE (x not float32), and kmeans' errors
 */
export function fitWithDistance(rt: RuntimeCore, x: Tensor, options: KMeansOptions & { readonly distance: UserKernel }): { settings: Settings; run: Run; bestRun: number } {
  const distance = options.distance;
  if (distance === null || typeof distance !== 'object' || distance.kind !== 'pairwise') {
    fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'distance is not a pairwise kernel', expected: "a kernel made by pairwise() from 'hotpath/kernel' and loaded with runtime.load()", received: distance === null || typeof distance !== 'object' ? String(distance) : `a ${String(distance.kind)} kernel` });
  }
  const s = settingsOf(x, options);
  if (x.dtype !== 'float32') {
    fail({ code: 'DTYPE', kernel: 'kmeans', problem: 'a user distance runs on float32 points', expected: 'float32[points, features]', received: x.describe(), hint: 'x.astype("float32")' });
  }
  const contiguous = rt.scope(() => x.contiguous());
  try {
    const values = Float64Array.from(contiguous.toArray() as Float32Array);
    checkFinite(values, s.d, 'x');
    const weights = s.weights === undefined ? undefined : Float64Array.from(s.weights.toArray() as Float32Array);
    const data: Data = { n: s.n, d: s.d, x: values, tensor: contiguous, weights };
    const rng = xoroshiro128plus(s.seed);
    let best: Run | undefined;
    let bestRun = 0;
    for (let r = 0; r < s.nInit; r++) {
      const initial = s.init === 'first' ? firstRows(data, s.k) : s.init === 'random' ? randomRows(data, s.k, rng) : s.init === 'k-means++' ? plusPlus(rt, distance, data, s.k, rng) : Float64Array.from(s.init.toArray() as Float32Array);
      const run = lloyd(rt, distance, data, initial, s, r);
      if (best === undefined || run.inertia < best.inertia) {
        best = run;
        bestRun = r;
      }
    }
    return { settings: s, run: best!, bestRun };
  } finally {
    contiguous.release();
  }
}

/** k-means++ (one candidate per step) with the user distance squared as the sampling weight. */
function plusPlus(rt: RuntimeCore, distance: UserKernel, data: Data, k: number, rng: ReturnType<typeof xoroshiro128plus>): Float64Array {
  const { n, d, x, weights } = data;
  const centers = new Float64Array(k * d);
  const pick = (id: number, j: number): void => centers.set(x.subarray(id * d, (id + 1) * d), j * d);
  pick(Math.min(n - 1, Math.floor(uniformFloat64(rng) * n)), 0);
  const closest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let j = 1; j < k; j++) {
    const { distances } = nearest(rt, distance, data.tensor, centers.subarray((j - 1) * d, j * d), 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = distances[i]!;
      closest[i] = Math.min(closest[i]!, Number.isNaN(v) ? 0 : v * v);
      total += closest[i]! * (weights === undefined ? 1 : weights[i]!);
    }
    let target = uniformFloat64(rng) * total;
    let id = 0;
    while (id < n - 1 && target >= closest[id]! * (weights === undefined ? 1 : weights[id]!)) {
      target -= closest[id]! * (weights === undefined ? 1 : weights[id]!);
      id++;
    }
    pick(id, j);
  }
  return centers;
}

function lloyd(rt: RuntimeCore, distance: UserKernel, data: Data, initial: Float64Array, s: Settings, run: number): Run {
  const { n, d, x, weights } = data;
  const k = s.k;
  let centers = initial.map(Math.fround);
  // -1: every label counts as changed in the first iteration.
  let labels: Int32Array = new Int32Array(n).fill(-1);
  let iterations = 0;
  let converged = false;
  const scale = s.tol * meanVarianceOf(momentsOf(x, n, d), n, d);
  for (let it = 0; it < s.maxIter; it++) {
    const assigned = nearest(rt, distance, data.tensor, centers, k);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      changed += assigned.labels[i] !== labels[i] ? 1 : 0;
    }
    labels = assigned.labels;
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      const j = labels[i]!;
      counts[j] = counts[j]! + w;
      for (let p = 0; p < d; p++) {
        sums[j * d + p] = sums[j * d + p]! + w * x[i * d + p]!;
      }
    }
    const next = new Float64Array(k * d);
    let shift = 0;
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < d; p++) {
        // An empty cluster keeps its centre.
        const v = counts[j]! > 0 ? Math.fround(sums[j * d + p]! / counts[j]!) : centers[j * d + p]!;
        next[j * d + p] = v;
        shift += (v - centers[j * d + p]!) ** 2;
      }
    }
    centers = next;
    iterations = it + 1;
    const inertia = (): number => inertiaOf(assigned.distances, weights);
    s.onIteration?.({ run, iteration: iterations, shift, changed, inertia });
    if (changed === 0 || shift <= scale) {
      converged = true;
      break;
    }
  }
  const final = nearest(rt, distance, data.tensor, centers, k);
  return { centers, labels: final.labels, inertia: inertiaOf(final.distances, weights), iterations, converged };
}

function inertiaOf(distances: Float64Array, weights: Float64Array | undefined): number {
  let total = 0;
  for (let i = 0; i < distances.length; i++) {
    total += (weights === undefined ? 1 : weights[i]!) * distances[i]!;
  }
  return total;
}
