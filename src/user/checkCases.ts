/**
 * The inputs `hotpath check` runs each kernel on, as the built-ins' property suite does: shapes
 * with every tail (1, 3, 4, 5, 17 and 1000 elements along the vector dimension), layouts (row
 * major, transposed, broadcast with stride 0, sliced views with gaps and an offset) and values
 * (moderate, then with ±0, NaN, ±Infinity, subnormal and tiny numbers and large magnitudes below
 * 2^23). Deterministic: a case is replayed by its label.
 */
import type { UserKernel } from './kernel.js';

/**
 * One input as a view: element (i, j) is data[offset + i * strides[0] + j * strides[1]]. `layout`
 * says how a tensor of it is made: row ([rows, cols], or [cols] for a 1-d case), col (stored
 * [cols, rows], transposed), broadcast ([cols], broadcast over the rows), sliced (every other
 * row and column of [2 rows + 1, 2 cols + 1] from (1, 1)).
 */
export interface View2 {
  readonly data: Float32Array;
  readonly offset: number;
  readonly strides: readonly [number, number];
  readonly layout: Layout;
}

/** Element-wise (map, reduce) over a [rows, cols] space; rows: null for 1-d [cols] inputs. */
export interface SpaceCase {
  readonly type: 'space';
  readonly label: string;
  readonly rows: number | null;
  readonly cols: number;
  readonly inputs: readonly View2[];
}

/** rows kernels: inputs [rows, n] with contiguous rows `rowStride` apart. */
export interface RowsCase {
  readonly type: 'rows';
  readonly label: string;
  readonly rows: number;
  readonly n: number;
  readonly inputs: readonly { readonly data: Float32Array; readonly rowStride: number }[];
}

/** pairwise: x [n, d], y [m, d], each with its row stride. */
export interface PairCase {
  readonly type: 'pair';
  readonly label: string;
  readonly n: number;
  readonly m: number;
  readonly d: number;
  readonly x: { readonly data: Float32Array; readonly rowStride: number };
  readonly y: { readonly data: Float32Array; readonly rowStride: number };
}

export type CheckCase = SpaceCase | RowsCase | PairCase;

/** Lengths along the vector dimension: a lone element, below, at and above one vector, and long. */
export const TAILS = [1, 3, 4, 5, 17, 1000] as const;

/**
 * Values a kernel meets at the edges. The large ones stay below 2^23, where float32 still has
 * every integer and half-integer and their squares stay finite: beyond that, float32's spacing
 * alone (not the compiled code) decides a fractional result, which no ulp tolerance covers.
 */
const EDGES = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -1e-30, 1e-7, 3.5e6, -6e6, 1, -1];
const FINITE_EDGES = EDGES.filter((v) => Number.isFinite(v));

/** values: uniform only; edges: with every edge value; finite: with the finite edges only (so a sum is not NaN). */
export type Fill = 'values' | 'edges' | 'finite';

/** An input's declared domain ([low, high]), or the default [-4, 4). */
export type Domain = readonly [number, number];

/**
 * `count` deterministic float32 values from `seed`: uniform in the domain (default [-4, 4)),
 * with edges mixed in (inside a declared domain: its ends and the finite edges within it).
 */
export function fillValues(count: number, seed: number, fill: Fill, domain?: Domain): Float32Array {
  const out = new Float32Array(count);
  // murmur3's finaliser spreads consecutive seeds apart before the LCG steps.
  let s = Math.imul(seed ^ (seed >>> 16), 0x85ebca6b);
  s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35);
  s = (s ^ (s >>> 16)) >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const [low, high] = domain ?? [-4, 4];
    const uniform = low + (s / 2 ** 32) * (high - low);
    const all = fill === 'edges' ? EDGES : FINITE_EDGES;
    const edges = domain === undefined ? all : [...all.filter((v) => !Number.isFinite(v) || (v >= low && v <= high)), low, high];
    out[i] = fill !== 'values' && (s >>> 3) % 5 === 0 ? edges[(s >>> 9) % edges.length]! : uniform;
  }
  return out;
}

export type Layout = 'row' | 'col' | 'broadcast' | 'sliced';

/** Input k of a [rows, cols] space in `layout` (broadcast: the last input is one row, stride 0). */
function view(layout: Layout, k: number, last: boolean, rows: number, cols: number, seed: number, fill: Fill, domain?: Domain): View2 {
  switch (layout) {
    case 'col':
      // Stored transposed ([cols, rows] row-major), read through swapped strides.
      return { data: fillValues(rows * cols, seed, fill, domain), offset: 0, strides: [1, rows], layout };
    case 'sliced':
      // Every other row and column of a [2 rows + 1, 2 cols + 1] buffer, from element (1, 1).
      return { data: fillValues((2 * rows + 1) * (2 * cols + 1), seed, fill, domain), offset: 2 * cols + 2, strides: [2 * (2 * cols + 1), 2], layout };
    case 'broadcast':
      if (last && k > 0) {
        return { data: fillValues(cols, seed, fill, domain), offset: 0, strides: [0, 1], layout };
      }
      return { data: fillValues(rows * cols, seed, fill, domain), offset: 0, strides: [cols, 1], layout: 'row' };
    case 'row':
      return { data: fillValues(rows * cols, seed, fill, domain), offset: 0, strides: [cols, 1], layout };
  }
}

/** The declared domain of input k (pairwise: 'x', 'y'), if any. */
function domainOf(kernel: UserKernel, k: number): Domain | undefined {
  const decl = kernel.decl as { inputs?: readonly string[]; domain?: Readonly<Record<string, Domain>> };
  const name = kernel.kind === 'pairwise' ? (k === 0 ? 'x' : 'y') : decl.inputs?.[k];
  return name === undefined ? undefined : decl.domain?.[name];
}

function inputCount(kernel: UserKernel): number {
  const decl = kernel.decl as { inputs?: readonly string[] };
  return kernel.kind === 'pairwise' ? 2 : (decl.inputs?.length ?? 1);
}

/** Every case for `kernel`, each with every fill. */
export function casesFor(kernel: UserKernel): CheckCase[] {
  const count = inputCount(kernel);
  const cases: CheckCase[] = [];
  let seed = 1;
  for (const fill of ['values', 'edges', 'finite'] as const) {
    switch (kernel.kind) {
      case 'map':
      case 'reduce': {
        for (const n of TAILS) {
          cases.push({ type: 'space', label: `[${n}] row, ${fill}`, rows: null, cols: n, inputs: Array.from({ length: count }, (_, k) => view('row', k, false, 1, n, seed++, fill, domainOf(kernel, k))) });
        }
        const layouts: Layout[] = count > 1 ? ['row', 'col', 'broadcast', 'sliced'] : ['row', 'col', 'sliced'];
        for (const [rows, cols] of [[3, 5], [4, 17], [17, 3]] as const) {
          for (const layout of layouts) {
            const inputs = Array.from({ length: count }, (_, k) => view(layout, k, k === count - 1, rows, cols, seed++, fill, domainOf(kernel, k)));
            cases.push({ type: 'space', label: `[${rows},${cols}] ${layout}${layout === 'broadcast' ? ' (last input [' + cols + '])' : ''}, ${fill}`, rows, cols, inputs });
          }
        }
        break;
      }
      case 'rows':
        for (const n of TAILS) {
          for (const padded of [false, true]) {
            const rowStride = padded ? n + 3 : n;
            const rows = 3;
            cases.push({ type: 'rows', label: `[${rows},${n}] ${padded ? 'sliced (row stride ' + rowStride + ')' : 'row'}, ${fill}`, rows, n, inputs: Array.from({ length: count }, (_, k) => ({ data: fillValues(rows * rowStride, seed++, fill, domainOf(kernel, k)), rowStride })) });
          }
        }
        break;
      case 'pairwise':
        for (const d of TAILS) {
          for (const padded of [false, true]) {
            const rowStride = padded ? d + 2 : d;
            const [n, m] = d === 1000 ? [3, 4] : [5, 7];
            const x = { data: fillValues(n * rowStride, seed++, fill, domainOf(kernel, 0)), rowStride };
            const y = { data: fillValues(m * rowStride, seed++, fill, domainOf(kernel, 1)), rowStride };
            cases.push({ type: 'pair', label: `[${n},${d}] x [${m},${d}] ${padded ? 'sliced (row stride ' + rowStride + ')' : 'row'}, ${fill}`, n, m, d, x, y });
          }
        }
        break;
    }
  }
  return cases;
}
