/**
 * Empty-cluster relocation as scikit-learn does it, in a form that streams: each empty cluster
 * (count 0 after a step) takes one of the points farthest from their (old) centres, farthest
 * first, lower index first among equal distances; that point's weighted row moves from its own
 * cluster's sums and count to the empty one's (labels are not changed, as there). The choice
 * depends only on each row's float64 squared distance, so any block order picks the same points.
 */

/** The clusters whose count is 0, in index order. */
export function emptyClusters(counts: ArrayLike<number>): number[] {
  const empty: number[] = [];
  for (let j = 0; j < counts.length; j++) {
    if (counts[j] === 0) {
      empty.push(j);
    }
  }
  return empty;
}

/** A point chosen for an empty cluster: its row (centred), its label and its weight. */
export interface Pick {
  readonly index: number;
  readonly row: Float64Array;
  readonly label: number;
  readonly weight: number;
}

/**
 * The m largest distances offered, largest first (the earlier offer first among equal values):
 * a small sorted list, O(n m) for the few empty clusters instead of a full sort. Offer rows in
 * index order.
 */
export class Farthest {
  private readonly values: number[] = [];
  private readonly picks: Pick[] = [];

  constructor(private readonly m: number) {}

  /** `row` is called only when the point enters the list. */
  offer(value: number, index: number, row: () => ArrayLike<number>, label: number, weight: number): void {
    const m = this.m;
    const top = this.values;
    if (top.length === m && !(value > top[m - 1]!)) {
      return;
    }
    let at = top.length === m ? m - 1 : top.length;
    while (at > 0 && value > top[at - 1]!) {
      at--;
    }
    top.splice(at, 0, value);
    this.picks.splice(at, 0, { index, row: Float64Array.from(row()), label, weight });
    if (top.length > m) {
      top.pop();
      this.picks.pop();
    }
  }

  /** The chosen points, farthest first. */
  chosen(): readonly Pick[] {
    return this.picks;
  }
}

/** Moves each chosen point into the empty cluster of the same position (sums [k, d], counts [k], in place). */
export function moveToEmpty(sums: Float64Array, counts: Float64Array, empty: readonly number[], picks: readonly Pick[], d: number): void {
  empty.forEach((j, e) => {
    const { row, label: from, weight: w } = picks[e]!;
    for (let p = 0; p < d; p++) {
      const v = w * row[p]!;
      sums[from * d + p] = sums[from * d + p]! - v;
      sums[j * d + p] = v;
    }
    counts[from] = counts[from]! - w;
    counts[j] = w;
  });
}
