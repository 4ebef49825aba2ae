/**
 * k-means options as users write them, and their validation into the form the algorithm runs.
 * Every problem is an ARGUMENT, SHAPE or DTYPE error naming what was expected.
 */
import { fail } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { UserKernel } from '../user/kernel.js';

/** How the first centroids are chosen: scikit-learn's `k-means++` and `random`, the first k rows, or given centroids. */
export type KMeansInit = 'k-means++' | 'random' | 'first' | Tensor;

export interface IterationInfo {
  /** Which of the nInit runs (0-based). */
  readonly run: number;
  /** Iterations done in this run (1-based). */
  readonly iteration: number;
  /** Sum over centroids of their squared movement in this iteration. */
  readonly shift: number;
  /** Points whose label changed in this iteration. */
  readonly changed: number;
  /** The inertia of the new labels against the centroids they were assigned to (computed on call: O(n d); call it inside the callback: the labels it reads are released by the next iteration, and a later call throws LIFETIME). */
  readonly inertia: () => number;
}

export interface KMeansOptions {
  /** Number of clusters, 1 <= k <= points. */
  readonly k: number;
  /** Default 'k-means++' (greedy, 2 + ln k local trials, as scikit-learn). */
  readonly init?: KMeansInit;
  /** Runs from different seeds, keeping the lowest inertia. Default 'auto': 10 for 'random', else 1 (the deterministic inits run once). */
  readonly nInit?: number | 'auto';
  /** Most Lloyd iterations per run. Default 300. */
  readonly maxIter?: number;
  /** Stop when the centroids' total squared movement is at most tol times the mean feature variance. Default 1e-4. */
  readonly tol?: number;
  /** Seed of the random choices (k-means++, random). Same seed, same result, on any thread count. Default 0. */
  readonly seed?: number;
  /** A weight per point (>= 0, not all 0), acting as repetitions. */
  readonly sampleWeight?: Tensor;
  /** Called after every Lloyd iteration (progress bars). */
  readonly onIteration?: (info: IterationInfo) => void;
  /**
   * A user distance: a pairwise kernel (hotpath/kernel) loaded in this runtime. The assignment
   * step then runs it (compiled, on every thread) instead of the squared Euclidean distance; the
   * points must be float32, are not centred, and inertia sums the user distance.
   */
  readonly distance?: UserKernel;
}

export interface Settings {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly dtype: DType;
  readonly init: KMeansInit;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;
  readonly weights: Tensor | undefined;
  readonly onIteration: ((info: IterationInfo) => void) | undefined;
}

const WHERE = 'kmeans';
const INITS = ['k-means++', 'random', 'first'];

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    return fail({ code: 'ARGUMENT', kernel: WHERE, problem: `invalid ${name}`, expected: `an integer >= ${min}`, received: String(value) });
  }
  return value;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && typeof (value as { check?: unknown }).check === 'function';
}

/** Validates x and the options. @throws SHAPE, DTYPE, ARGUMENT, LIFETIME */
export function settingsOf(x: Tensor, options: KMeansOptions): Settings {
  if (!isTensor(x)) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'x is not a tensor', expected: 'a [points, features] Tensor', received: typeof x });
  }
  x.check(WHERE);
  if (x.rank !== 2) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: 'x is not a matrix of points', expected: 'rank 2: [points, features]', received: x.describe() });
  }
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    fail({ code: 'DTYPE', kernel: WHERE, problem: 'x has an unsupported dtype', expected: 'float32 | float64', received: x.describe() });
  }
  const [n, d] = x.shape as [number, number];
  if (n === 0 || d === 0) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: 'no data', expected: 'at least one point with at least one feature', received: x.describe() });
  }
  return settingsFor({ n, d, dtype: x.dtype }, options);
}

/**
 * Validates the options for n points of d features (a tensor's or a file's) and fills in the
 * defaults. @throws ARGUMENT, SHAPE, DTYPE, LIFETIME (for the tensors among the options)
 */
export function settingsFor(x: { readonly n: number; readonly d: number; readonly dtype: 'float32' | 'float64' }, options: KMeansOptions): Settings {
  const { n, d } = x;
  if (typeof options !== 'object' || options === null) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'missing options', expected: '{ k, ... }', received: String(options) });
  }
  const k = integer('k', options.k, 1);
  if (k > n) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'more clusters than points', expected: `k <= ${n} (the number of points)`, received: `k = ${k}` });
  }
  const init = options.init ?? 'k-means++';
  if (isTensor(init)) {
    init.check(WHERE);
    if (init.dtype !== x.dtype) {
      fail({ code: 'DTYPE', kernel: WHERE, problem: 'initial centroids have another dtype than x', expected: x.dtype, received: init.describe() });
    }
    if (init.rank !== 2 || init.shape[0] !== k || init.shape[1] !== d) {
      fail({ code: 'SHAPE', kernel: WHERE, problem: 'initial centroids do not match', expected: `${x.dtype}[${k},${d}]`, received: init.describe() });
    }
  } else if (!INITS.includes(init as string)) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'unknown init', expected: `${INITS.join(' | ')} | a [k, d] tensor`, received: String(init) });
  }
  const nInitOption = options.nInit ?? 'auto';
  const requested = nInitOption === 'auto' ? (init === 'random' ? 10 : 1) : integer('nInit', nInitOption, 1);
  // The deterministic inits give the same run every time: one is enough.
  const nInit = init === 'random' || init === 'k-means++' ? requested : 1;
  const maxIter = integer('maxIter', options.maxIter ?? 300, 1);
  const tol = options.tol ?? 1e-4;
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid tol', expected: 'a finite number >= 0', received: String(tol) });
  }
  const seed = integer('seed', options.seed ?? 0, 0);
  const weights = options.sampleWeight;
  if (weights !== undefined) {
    if (!isTensor(weights)) {
      fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'sampleWeight is not a tensor', expected: `a ${x.dtype}[${n}] Tensor`, received: typeof weights });
    }
    weights.check(WHERE);
    if (weights.dtype !== x.dtype) {
      fail({ code: 'DTYPE', kernel: WHERE, problem: 'sampleWeight has another dtype than x', expected: x.dtype, received: weights.describe() });
    }
    if (weights.rank !== 1 || weights.shape[0] !== n) {
      fail({ code: 'SHAPE', kernel: WHERE, problem: 'sampleWeight does not match the points', expected: `${x.dtype}[${n}]`, received: weights.describe() });
    }
    let total = 0;
    const values = weights.toArray();
    for (let i = 0; i < n; i++) {
      const w = values[i] as number;
      if (!(w >= 0) || w === Infinity) {
        fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid sample weight', expected: 'finite weights >= 0', received: `${w} at point ${i}` });
      }
      total += w;
    }
    if (total === 0) {
      fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'all sample weights are 0', expected: 'some weight > 0', received: `${n} zero weights` });
    }
  }
  if (options.onIteration !== undefined && typeof options.onIteration !== 'function') {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'onIteration is not a function', expected: 'a function', received: typeof options.onIteration });
  }
  return { n, d, k, dtype: x.dtype, init, nInit, maxIter, tol, seed, weights, onIteration: options.onIteration };
}

/** Throws ARGUMENT naming the first row with NaN or +-Infinity in `values` ([rows, d], row-major). */
export function checkFinite(values: ArrayLike<number>, d: number, what: string): void {
  const i = firstNonFinite(values);
  if (i >= 0) {
    const v = values[i]!;
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: `${what} contains NaN or Infinity`, expected: 'finite values', received: `${v} at row ${Math.floor(i / d)}, column ${i % d}`, hint: 'drop or impute those rows first' });
  }
}

/** The index of the first NaN or +-Infinity in `values`, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) {
      return i;
    }
  }
  return -1;
}
