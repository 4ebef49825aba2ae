/**
 * Test data for the lloyd and hamerly kernels (hamerly.test.ts, nativeDistances.test.ts):
 * clustered points with exact ties among the centroids, float64 distances as plain loops, and
 * valid Hamerly hints made from them.
 */
import { lcg } from './helpers.js';

export interface Case {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly x: Float32Array | Float64Array;
  readonly c: Float32Array | Float64Array;
}

export type FloatArray = typeof Float32Array | typeof Float64Array;

/** Clustered points (some far from the origin), centroids near some of them, a few duplicated. */
export function makeCase(seed: number, n: number, d: number, k: number, offset: number, array: FloatArray = Float32Array): Case {
  const next = lcg(seed);
  const centres = array.from(Array.from({ length: 8 * d }, () => offset + (next() - 0.5) * 20));
  const x = new array(n * d);
  for (let i = 0; i < n; i++) {
    const m = Math.floor(next() * 8);
    for (let p = 0; p < d; p++) {
      x[i * d + p] = centres[m * d + p]! + (next() - 0.5) * 3;
    }
  }
  const c = new array(k * d);
  for (let j = 0; j < k; j++) {
    // Every fourth centroid duplicates the previous one: exact ties.
    const from = j % 4 === 3 ? j - 1 : -1;
    for (let p = 0; p < d; p++) {
      c[j * d + p] = from >= 0 ? c[from * d + p]! : x[Math.floor(next() * n) * d + p]! + (next() - 0.5) * 0.5;
    }
  }
  return { n, d, k, x, c };
}

export function distance(cs: Case, i: number, j: number): number {
  let sum = 0;
  for (let p = 0; p < cs.d; p++) {
    const diff = cs.x[i * cs.d + p]! - cs.c[j * cs.d + p]!;
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}

/** Valid hints: labels (the true nearest, or any label for points given no claim) and bounds with slack. */
export function hints(cs: Case, seed: number): { labels: Int32Array; bounds: Float64Array } {
  const next = lcg(seed);
  const labels = new Int32Array(cs.n);
  const bounds = new Float64Array(2 * cs.n);
  for (let i = 0; i < cs.n; i++) {
    if (next() < 0.2) {
      labels[i] = Math.floor(next() * cs.k);
      bounds[2 * i] = Infinity;
      bounds[2 * i + 1] = 0;
      continue;
    }
    // Mostly the true nearest centroid (the case where bounds let a point skip), sometimes any.
    let nearest = 0;
    for (let j = 1; j < cs.k; j++) {
      nearest = distance(cs, i, j) < distance(cs, i, nearest) ? j : nearest;
    }
    const a = next() < 0.7 ? nearest : Math.floor(next() * cs.k);
    let other = Infinity;
    for (let j = 0; j < cs.k; j++) {
      other = j === a ? other : Math.min(other, distance(cs, i, j));
    }
    labels[i] = a;
    bounds[2 * i] = distance(cs, i, a) * (1 + next() * 0.1);
    bounds[2 * i + 1] = other * (1 - next() * 0.1);
  }
  return { labels, bounds };
}

/**
 * The centroids moved by up to spread(j) per feature (spreadOf gets the generator), and a valid
 * drift: each centroid's movement, some a little loose (any upper bound on it is valid).
 */
export function moveCentroids(cs: Case, next: () => number, spreadOf: (next: () => number) => (j: number) => number): { moved: Float32Array | Float64Array; drift: Float64Array } {
  const spread = spreadOf(next);
  const moved = cs.c instanceof Float64Array ? new Float64Array(cs.c.length) : new Float32Array(cs.c.length);
  for (let j = 0; j < cs.k; j++) {
    const size = spread(j);
    for (let p = 0; p < cs.d; p++) {
      moved[j * cs.d + p] = cs.c[j * cs.d + p]! + (next() - 0.5) * size;
    }
  }
  const drift = new Float64Array(cs.k);
  for (let j = 0; j < cs.k; j++) {
    let sq = 0;
    for (let p = 0; p < cs.d; p++) {
      sq += (moved[j * cs.d + p]! - cs.c[j * cs.d + p]!) ** 2;
    }
    drift[j] = Math.sqrt(sq) * (1 + next() * 0.05);
  }
  return { moved, drift };
}

/** hamerly's offset input: raw points far from the origin, the offset that centres them, and the centred case. */
export interface OffsetCase {
  /** Raw points [n, d], about `far` from the origin. */
  readonly raw: Float32Array | Float64Array;
  /** [d]: about -far per feature, with a fraction (0.1 p) that float32 rounds. */
  readonly offset: Float32Array | Float64Array;
  /** x = raw + offset rounded to the dtype, computed here (Float32Array stores the float32 sum: double rounding is innocuous for one add), centroids among them. */
  readonly centred: Case;
}

export function offsetCase(seed: number, n: number, d: number, k: number, far: number, array: FloatArray = Float32Array): OffsetCase {
  const base = makeCase(seed, n, d, k, 0, array);
  const offset = array.from(Array.from({ length: d }, (_, p) => -far - 0.1 * p));
  // Raw points: the clustered case moved far out; centring brings them back near the origin.
  const raw = new array(n * d);
  const x = new array(n * d);
  for (let e = 0; e < n * d; e++) {
    raw[e] = base.x[e]! + far + 0.1 * (e % d);
    x[e] = raw[e]! + offset[e % d]!;
  }
  return { raw, offset, centred: { ...base, x } };
}
