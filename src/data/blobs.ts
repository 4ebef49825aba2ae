/**
 * Seeded Gaussian blobs (as scikit-learn's make_blobs): `centers` centres uniform in
 * [-box, box]^d, each point a centre plus normal noise of `spread`. Built-in data for the demo,
 * the benchmarks and `hotpath blobs`; the same seed gives the same points everywhere.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

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

export function makeBlobs(options: BlobsOptions): Blobs {
  const { n, d, centers: k, spread = 1, box = 10, seed = 0 } = options;
  const rng = xoroshiro128plus(seed);
  const uniform = (): number => uniformFloat64(rng);
  const centers = Float32Array.from({ length: k * d }, () => (uniform() * 2 - 1) * box);
  const points = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(uniform() * k);
    truth[i] = c;
    for (let p = 0; p < d; p++) {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const normal = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
      points[i * d + p] = centers[c * d + p]! + spread * normal;
    }
  }
  return { points, truth, centers };
}
