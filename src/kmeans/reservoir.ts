/**
 * A uniform sample of rows seen one after another (Algorithm R, Vitter 1985): the first `size`
 * rows fill the sample in order; row t >= size then replaces slot j = floor(u * (t + 1)) when
 * j < size, u drawn from the fit's seeded generator. When n <= size the sample is the data in
 * order and the generator is never drawn from, so an init over the sample equals the init over
 * the data in memory (same seed, same draws).
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { Rows } from './chunks.js';

/** The slot row t (0-based, in the data's order) takes in a reservoir of `size` rows (size: none), drawing from `rng` when t >= size. */
export function reservoirSlot(t: number, size: number, rng: RandomGenerator): number {
  return t < size ? t : Math.floor(uniformFloat64(rng) * (t + 1));
}

/**
 * Which row of n ends in each slot of a reservoir of min(n, size) rows: the draws depend on n and
 * the generator only, not on the data, so a process that cannot read every row (a batch
 * coordinator) finds the sample a full pass would keep, with the same draws.
 */
export function reservoirRows(n: number, size: number, rng: RandomGenerator): Float64Array {
  const rows = new Float64Array(Math.min(n, size));
  for (let t = 0; t < n; t++) {
    const slot = reservoirSlot(t, size, rng);
    if (slot < size) {
      rows[slot] = t;
    }
  }
  return rows;
}

export class Reservoir {
  readonly values: Rows;
  private seen = 0;

  constructor(private readonly size: number, private readonly d: number, dtype: 'float32' | 'float64', private readonly rng: RandomGenerator) {
    this.values = dtype === 'float32' ? new Float32Array(size * d) : new Float64Array(size * d);
  }

  /** Offers `rows` rows of `values` (row-major), in the data's order. */
  offer(values: Rows, rows: number): void {
    const { size, d } = this;
    for (let i = 0; i < rows; i++) {
      const slot = reservoirSlot(this.seen++, size, this.rng);
      if (slot < size) {
        this.values.set(values.subarray(i * d, (i + 1) * d), slot * d);
      }
    }
  }

  /** Rows held: min(rows offered, size). */
  rows(): number {
    return Math.min(this.seen, this.size);
  }
}
