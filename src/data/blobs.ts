/**
 * Seeded Gaussian blobs (as scikit-learn's make_blobs): `centers` centres uniform in
 * [-box, box]^d, each point a centre plus normal noise of `spread`. Built-in data for the demo,
 * the benchmarks and `hotpath blobs`; the same seed gives the same points everywhere.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { fail } from '../errors.js';

export interface BlobsOptions {
  readonly n: number;
  readonly d: number;
  readonly centers: number;
  readonly spread?: number;
  readonly box?: number;
  readonly seed?: number;
}

export interface Blobs {
  /** Row-major [n, d]. */
  readonly points: Float32Array;
  /** The centre each point was drawn around. */
  readonly truth: Int32Array;
  /** Row-major [centers, d]. */
  readonly centers: Float32Array;
}

/**
 * The most elements makeBlobs allocates in one Float32Array (4 GiB, the CPU heap's own limit):
 * larger requests are refused with MEMORY before anything is allocated.
 */
export const MAX_BLOB_ELEMENTS = 2 ** 30;

/**
 * Points, truth and centres in new arrays.
 * @example const { points, truth } = makeBlobs({ n: 1000, d: 2, centers: 3, seed: 1 });
 * @throws ARGUMENT for a count that is not a positive integer (seed: >= 0) or a negative or
 *   non-finite spread; MEMORY when n * d exceeds MAX_BLOB_ELEMENTS
 */
export function makeBlobs(options: BlobsOptions): Blobs {
  checkBlobs(options);
  const elements = options.n * options.d;
  if (elements > MAX_BLOB_ELEMENTS) {
    fail({ code: 'MEMORY', kernel: 'blobs', problem: 'too many points to hold in memory', expected: `n * d at most ${MAX_BLOB_ELEMENTS}`, received: `${options.n} * ${options.d} = ${elements}`, hint: 'ask for fewer points or features' });
  }
  const points = new Float32Array(elements);
  const truth = new Int32Array(options.n);
  const centers = fillBlobs(options, points, truth);
  return { points, truth, centers };
}

/**
 * Writes the points row-major into `points` (length n * d, e.g. a tensor's storage, so no
 * second copy is made) and, when given, each point's centre into `truth`; returns the centres.
 * The same options give the same values as makeBlobs.
 * @example fillBlobs({ n, d, centers: 8 }, hp.empty([n, d]).data())
 * @throws ARGUMENT as makeBlobs does, and when `points` or `truth` has the wrong length
 */
export function fillBlobs(options: BlobsOptions, points: Float32Array, truth?: Int32Array): Float32Array {
  checkBlobs(options);
  const { n, d, centers: k, spread = 1, box = 10, seed = 0 } = options;
  if (points.length !== n * d || (truth !== undefined && truth.length !== n)) {
    fail({ code: 'ARGUMENT', kernel: 'blobs', problem: 'output arrays of the wrong length', expected: `points of ${n * d} and truth of ${n} elements`, received: `${points.length} and ${truth?.length ?? 'none'}` });
  }
  const rng = xoroshiro128plus(seed);
  const uniform = (): number => uniformFloat64(rng);
  const centers = Float32Array.from({ length: k * d }, () => (uniform() * 2 - 1) * box);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(uniform() * k);
    if (truth !== undefined) {
      truth[i] = c;
    }
    for (let p = 0; p < d; p++) {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const normal = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
      points[i * d + p] = centers[c * d + p]! + spread * normal;
    }
  }
  return centers;
}

function checkBlobs(options: BlobsOptions): void {
  const counts: [string, number | undefined, number][] = [['n', options.n, 1], ['d', options.d, 1], ['centers', options.centers, 1], ['seed', options.seed ?? 0, 0]];
  for (const [name, value, min] of counts) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      fail({ code: 'ARGUMENT', kernel: 'blobs', problem: `invalid ${name}`, expected: `an integer >= ${min}`, received: String(value) });
    }
  }
  for (const [name, value] of [['spread', options.spread ?? 1], ['box', options.box ?? 10]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      fail({ code: 'ARGUMENT', kernel: 'blobs', problem: `invalid ${name}`, expected: 'a finite number >= 0', received: String(value) });
    }
  }
}
