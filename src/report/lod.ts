/**
 * Level-of-detail aggregation for the report's timeline: what one row of spans looks like at
 * one zoom level. Spans at least a pixel wide are drawn one by one; narrower ones are merged
 * into per-pixel buckets (how much of the pixel they cover, how many, the longest one), so a
 * frame costs O(visible spans + width) however many spans there are, and 10^5 spans that fall
 * into 1,500 pixels draw as 1,500 columns.
 *
 * These functions run in Node (tests) and in the report page: renderReport embeds them with
 * Function.prototype.toString, so each one is self-contained: no imports, no module variables,
 * no helpers outside its own body (nested functions only).
 */

/** One row of spans, columnar, sorted by start. Times in ms. */
export interface LodRow {
  readonly start: ArrayLike<number>;
  readonly duration: ArrayLike<number>;
  /** maxEnd[i] = the latest end among spans 0..i (non-decreasing): see prefixMaxEnd. */
  readonly maxEnd: ArrayLike<number>;
}

/** Scratch and result of aggregateRow, reused from frame to frame (no allocation per frame). */
export interface LodFrame {
  /** Indices of the spans at least `minPx` wide, to draw one by one (in start order). */
  wide: number[];
  /** Per pixel column: fraction of it covered by narrow spans (sums overlaps, so may pass 1). */
  readonly coverage: Float64Array;
  /** Per pixel column: narrow spans that start in it (or that it clips at the left edge). */
  readonly count: Uint32Array;
  /** Per pixel column: index of its longest narrow span, or -1 (tooltips, colour). */
  readonly pick: Int32Array;
}

/**
 * The running maximum of the spans' ends, so the first span visible at time t is found by
 * binary search even where spans overlap (async work, nested rows merged).
 * @example prefixMaxEnd([0, 1, 2], [5, 1, 1]) // Float64Array [5, 5, 5]
 */
export function prefixMaxEnd(start: ArrayLike<number>, duration: ArrayLike<number>): Float64Array {
  const out = new Float64Array(start.length);
  let max = -Infinity;
  for (let i = 0; i < start.length; i++) {
    const end = start[i]! + duration[i]!;
    if (end > max) {
      max = end;
    }
    out[i] = max;
  }
  return out;
}

/**
 * The first index whose running max end reaches `t0` (spans before it all end before t0), or
 * the length when none does. @example firstVisible([5, 5, 9], 6) // 2
 */
export function firstVisible(maxEnd: ArrayLike<number>, t0: number): number {
  let lo = 0;
  let hi = maxEnd.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (maxEnd[mid]! < t0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Aggregates the spans of `row` visible in [t0, t1] (ms) onto `width` pixel columns into
 * `frame`: spans at least `minPx` wide go to `frame.wide`; each narrower one adds the fraction
 * of each column it covers to `coverage` (split over the two columns it may straddle), counts
 * once in the column of its start (clipped to the view) and competes for that column's `pick`.
 * A zero-length span (an instant) counts without covering anything.
 * @example const f = lodFrame(800); aggregateRow(row, 0, 100, 800, 1, f); f.wide; f.count[17]
 */
export function aggregateRow(row: LodRow, t0: number, t1: number, width: number, minPx: number, frame: LodFrame): void {
  frame.wide.length = 0;
  frame.coverage.fill(0, 0, width);
  frame.count.fill(0, 0, width);
  frame.pick.fill(-1, 0, width);
  const pxPerMs = width / (t1 - t0);
  const n = row.start.length;
  for (let i = firstVisible(row.maxEnd, t0); i < n; i++) {
    const s = row.start[i]!;
    if (s > t1) {
      break;
    }
    const d = row.duration[i]!;
    if (s + d < t0) {
      continue;
    }
    const x0 = (s - t0) * pxPerMs;
    const x1 = x0 + d * pxPerMs;
    if (x1 - x0 >= minPx) {
      frame.wide.push(i);
      continue;
    }
    const left = Math.max(0, x0);
    const right = Math.min(width, x1);
    const col = Math.min(width - 1, Math.floor(left));
    frame.count[col]! += 1;
    const held = frame.pick[col]!;
    if (held < 0 || row.duration[held]! < d) {
      frame.pick[col] = i;
    }
    // Narrower than minPx (at most a pixel or two): split over the columns it touches.
    for (let c = col; c < width && c < right; c++) {
      const covered = Math.min(right, c + 1) - Math.max(left, c);
      if (covered > 0) {
        frame.coverage[c]! += covered;
      }
    }
  }
}

/** Fresh scratch for aggregateRow over `width` pixel columns. */
export function lodFrame(width: number): LodFrame {
  return { wide: [], coverage: new Float64Array(width), count: new Uint32Array(width), pick: new Int32Array(width) };
}
