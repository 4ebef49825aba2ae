/**
 * The canonical reduction order of k-means, shared by the in-memory fit, the out-of-core fit
 * over a .npy file and the sharded batch jobs, so that all three give the same bits.
 *
 * Rows are cut into chunks of `chunkRows(d)` rows (chunk c holds rows c * chunkRows(d) up to
 * the next chunk or n; about 16 MB of float32 whatever d is, and always whole LLOYD_BLOCKs).
 * Everything summed over the rows is summed per chunk from zero, and the chunk partials are then
 * added, in chunk order, into float64 totals that start from zero:
 * - the column sums that give the mean used for centring (`columnSums`, then `meanOf`);
 * - the per-column sums and sums of squares of the centred data that give tol's variance scale
 *   (`momentsOf`, then `meanVarianceOf`);
 * - each Lloyd step's float64 centroid sums and counts: the lloyd kernel called on the chunk's
 *   rows (inside a chunk the kernel's own order applies: blocks of LLOYD_BLOCK rows added in
 *   block order) (`chunkStep`, `addStep`);
 * - the inertia (`inertiaOf`).
 * Within a chunk, row order. Centring is elementwise: x + (-mean rounded to x's dtype), one add
 * in x's dtype (`negatedMean`, `centreRows`), so a block centred alone equals the same rows of
 * the whole array centred. Chunk partials may be computed anywhere (another thread, another
 * process, another machine): only the order in which they are added matters.
 */
import { LLOYD_BLOCK } from '../kernels/lloyd.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';

/** Points (row-major [rows, d]) as plain values: a chunk, a block of chunks or all of them. */
export type Rows = Float32Array | Float64Array;

/** Float32 elements per chunk (16 MiB), before rounding to whole LLOYD_BLOCKs. */
const CHUNK_ELEMENTS = 2 ** 22;

/**
 * Rows per chunk for d features: LLOYD_BLOCK * max(1, floor(2^22 / (d * LLOYD_BLOCK))).
 * @example chunkRows(32) // 131072
 */
export function chunkRows(d: number): number {
  return LLOYD_BLOCK * Math.max(1, Math.floor(CHUNK_ELEMENTS / (d * LLOYD_BLOCK)));
}

/** Number of chunks of n rows. @example chunkCount(300000, 32) // 3 */
export function chunkCount(n: number, d: number): number {
  return Math.ceil(n / chunkRows(d));
}

/** The rows [start, end) of chunk `c` of n rows. */
export function chunkRange(c: number, n: number, d: number): { start: number; end: number } {
  const size = chunkRows(d);
  return { start: c * size, end: Math.min(n, (c + 1) * size) };
}

/** Float64 column sums of `rows` rows of `values` (row-major), in row order from zero: one chunk's partial of the mean. */
export function columnSums(values: ArrayLike<number>, rows: number, d: number): Float64Array {
  const sums = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < d; p++) {
      sums[p] = sums[p]! + values[i * d + p]!;
    }
  }
  return sums;
}

/** total[e] += part[e] for every e: how chunk partials are combined, in chunk order, into totals that start at zero. */
export function addInto(total: Float64Array, part: ArrayLike<number>): void {
  for (let e = 0; e < total.length; e++) {
    total[e] = total[e]! + part[e]!;
  }
}

/** The mean from the chunk-ordered column sums over all n rows (float64). */
export function meanOf(sums: Float64Array, n: number): Float64Array {
  return sums.map((s) => s / n);
}

/** -mean rounded to the data's dtype: what centring adds to every row. */
export function negatedMean(mean: Float64Array, dtype: 'float32' | 'float64'): Rows {
  return dtype === 'float32' ? Float32Array.from(mean, (v) => -v) : Float64Array.from(mean, (v) => -v);
}

/**
 * Centres rows in place: values[i, p] = values[i, p] + negated[p], one add in the values' dtype
 * (Math.fround of the float64 sum of two float32 values is the correctly rounded float32 sum).
 * Bit-equal to the add kernel that the in-memory fit runs on the whole array.
 */
export function centreRows(values: Rows, rows: number, negated: Rows): void {
  const d = negated.length;
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < d; p++) {
      values[i * d + p] = values[i * d + p]! + negated[p]!;
    }
  }
}

/** One chunk's partial of tol's scale: float64 column sums and sums of squares of centred rows. */
export interface Moments {
  readonly sums: Float64Array;
  readonly squares: Float64Array;
}

/** The moments of `rows` centred rows (one chunk), in row order from zero. */
export function momentsOf(values: ArrayLike<number>, rows: number, d: number): Moments {
  const sums = new Float64Array(d);
  const squares = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < d; p++) {
      const v = values[i * d + p]!;
      sums[p] = sums[p]! + v;
      squares[p] = squares[p]! + v * v;
    }
  }
  return { sums, squares };
}

/**
 * Mean over features of each feature's variance (scikit-learn's tol scale) from the
 * chunk-ordered totals of `momentsOf`, in float64 (float32 squares near 1e20 would overflow).
 */
export function meanVarianceOf(total: Moments, n: number, d: number): number {
  let sum = 0;
  for (let p = 0; p < d; p++) {
    const mean = total.sums[p]! / n;
    sum += Math.max(0, total.squares[p]! / n - mean * mean);
  }
  return sum / d;
}

/** One chunk's part of a Lloyd step: the nearest centroid of each of its rows, and float64 sums [k, d] and counts [k]. */
export interface StepPart {
  readonly labels: Int32Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
}

/**
 * The lloyd kernel on one chunk: `chunk` is the chunk's centred rows ([rows, d], the data's
 * dtype), `centroids` [k, d] in the same dtype (centred coordinates), `weights` its rows'
 * weights or undefined. Labels are local to the chunk (row 0 is the chunk's first row); they
 * are written into `labelsOut` when given (at least rows long; reused to spare allocations).
 * @example const part = chunkStep(hp, centred.slice([start, end]), centroids)
 * @throws what the lloyd kernel throws (SHAPE, DTYPE)
 */
export function chunkStep(rt: RuntimeCore, chunk: Tensor, centroids: Tensor, weights?: Tensor, labelsOut?: Int32Array): StepPart {
  return rt.scope(() => {
    const [labels, sums, counts] = rt.run('lloyd', weights === undefined ? [chunk, centroids] : [chunk, centroids, weights]);
    // Copies out of the heap: the parts outlive the call's tensors.
    let out: Int32Array;
    if (labelsOut === undefined) {
      out = labels!.toArray() as Int32Array;
    } else {
      out = labelsOut.subarray(0, labels!.size);
      out.set(labels!.data('kmeans') as Int32Array);
    }
    return { labels: out, sums: sums!.toArray() as Float64Array, counts: counts!.toArray() as Float64Array };
  });
}

/** Running totals of a Lloyd step, from zero. */
export function emptyStep(k: number, d: number): { sums: Float64Array; counts: Float64Array } {
  return { sums: new Float64Array(k * d), counts: new Float64Array(k) };
}

/** Adds one chunk's sums and counts into the step's totals (call in chunk order). */
export function addStep(total: { sums: Float64Array; counts: Float64Array }, part: { sums: ArrayLike<number>; counts: ArrayLike<number> }): void {
  addInto(total.sums, part.sums);
  addInto(total.counts, part.counts);
}

/**
 * One chunk's inertia: the sum, in row order from zero, of w * |x_i - c_label|^2 with the
 * squared distance summed in float64 in feature order. Add the chunks' values in chunk order.
 * `distances`, when given, receives each row's unweighted squared distance.
 */
export function inertiaOf(values: ArrayLike<number>, rows: number, d: number, centers: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number> | undefined, distances?: Float64Array): number {
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const base = labels[i]! * d;
    let dist = 0;
    for (let p = 0; p < d; p++) {
      const diff = values[i * d + p]! - centers[base + p]!;
      dist += diff * diff;
    }
    if (distances !== undefined) {
      distances[i] = dist;
    }
    total += (weights === undefined ? 1 : weights[i]!) * dist;
  }
  return total;
}
