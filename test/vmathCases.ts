/**
 * What test/unit/vmath.test.ts and scripts/vmath-ulp.ts measure: each vmath builder evaluated by
 * irEval on dense sets of float32 inputs (bit-pattern sweeps of the key ranges plus edges) in
 * both fma modes, against Math.<fn> computed in float64 and rounded once to float32. The error is
 * the distance in float32 steps (ulp) between the two results; NaN equals NaN only.
 */
import { Builder, type Val } from '../src/user/ir.js';
import { Evaluator, type EvalOptions } from '../src/user/irEval.js';
import { VMATH } from '../src/user/vmath.js';

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

export const FLT_MAX = 3.4028234663852886e38;
export const EDGES = [0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126), FLT_MAX, -FLT_MAX, 1, -1, 0.5, -0.5, 2, -2];

function bitsOf(x: number): number {
  F32[0] = x;
  return I32[0]!;
}

function fromBits(i: number): number {
  I32[0] = i;
  return F32[0]!;
}

/** Position of a float32 on the number line in float32 steps (-0 and +0 are both 0). */
function ordinal(x: number): number {
  const i = bitsOf(x);
  return i >= 0 ? i : -(i & 0x7fffffff);
}

/** Distance in float32 ulp between two float32 values; NaN equals only NaN. */
export function ulpDistance(got: number, want: number): number {
  if (Number.isNaN(got) || Number.isNaN(want)) {
    return Number.isNaN(got) && Number.isNaN(want) ? 0 : Infinity;
  }
  return Math.abs(ordinal(got) - ordinal(want));
}

/** About `count` float32 values from lo to hi (both included, lo < hi, same sign), evenly by bit pattern. */
export function sweep(lo: number, hi: number, count: number): number[] {
  const sign = hi <= 0 ? -1 : 1;
  const [a, b] = sign > 0 ? [bitsOf(lo), bitsOf(hi)] : [bitsOf(-hi), bitsOf(-lo)];
  const step = Math.max(1, Math.floor((b - a) / count));
  const out: number[] = [];
  for (let i = a; i <= b; i += step) {
    out.push(sign * fromBits(i));
  }
  out.push(sign * fromBits(b));
  return out;
}

/** The float32 values within `k` steps of each of the given values. */
export function around(values: readonly number[], k: number): number[] {
  const out: number[] = [];
  for (const v of values) {
    const o = ordinal(Math.fround(v));
    for (let d = -k; d <= k; d++) {
      const n = o + d;
      out.push(n >= 0 ? fromBits(n) : -fromBits(-n));
    }
  }
  return out;
}

/** One measured function: its name in VMATH, the float64 reference, its inputs and bound. */
export interface Case {
  readonly name: string;
  readonly ref: (...xs: number[]) => number;
  /** Argument lists (one number each for unary functions); `density` 1 is the test's size. */
  readonly inputs: (density: number) => number[][];
  /** Largest allowed error in ulp over the inputs (fused and unfused fma). */
  readonly maxUlp: number;
  /** The range where the bound holds, in words (for the printed table). */
  readonly range: string;
}

const unary = (xs: number[]): number[][] => xs.map((x) => [x]);
const n = (count: number, density: number): number => Math.max(16, Math.round(count * density));

/** Every (y, x) pair of `values`. */
function grid(values: readonly number[]): number[][] {
  const out: number[][] = [];
  for (const y of values) {
    for (const x of values) {
      out.push([y, x]);
    }
  }
  return out;
}

/** Floats next to k pi/2 for every `step`-th k below 1e5 / (pi/2) (where reduction is hardest). */
function nearHalfPi(density: number): number[] {
  const step = Math.max(1, Math.round(4 / density));
  const centers: number[] = [];
  for (let k = 1; k * (Math.PI / 2) < 1e5; k += step) {
    centers.push(k * (Math.PI / 2), -k * (Math.PI / 2));
  }
  return around(centers, 1);
}

const TRIG = (d: number): number[][] =>
  unary([...sweep(1e-10, 1e5, n(40000, d)), ...sweep(-1e5, -1e-10, n(10000, d)), ...sweep(1e-10, 8, n(20000, d)), ...nearHalfPi(d), ...EDGES.filter((x) => !(Math.abs(x) > 1e5))]);
const SIGNED = (lo: number, hi: number, count: number): number[] => [...sweep(lo, hi, count), ...sweep(-hi, -lo, Math.max(16, count >> 2))];
const TWO_ARG = (d: number): number[] => [...SIGNED(2 ** -149, FLT_MAX, n(150, Math.sqrt(d))), ...sweep(0.5, 2, n(40, Math.sqrt(d))), ...EDGES];

/** The measured functions (the trivial entries of VMATH, one op each, are tested exactly instead). */
export const CASES: readonly Case[] = [
  {
    name: 'exp', ref: Math.exp, maxUlp: 1, range: 'all float32 (overflow > 88.72, gradual underflow < -87.34)',
    inputs: (d) => unary([...SIGNED(1e-10, 104, n(40000, d)), ...sweep(80, 89, n(10000, d)), ...sweep(-104, -87, n(10000, d)), ...EDGES]),
  },
  {
    name: 'log', ref: Math.log, maxUlp: 1, range: 'all float32, subnormals included',
    inputs: (d) => unary([...sweep(2 ** -149, FLT_MAX, n(40000, d)), ...sweep(0.9, 1.1, n(20000, d)), ...sweep(2 ** -149, 2 ** -126, n(5000, d)), ...EDGES]),
  },
  { name: 'sin', ref: Math.sin, maxUlp: 2, range: 'abs(x) < 1e5', inputs: TRIG },
  { name: 'cos', ref: Math.cos, maxUlp: 2, range: 'abs(x) < 1e5', inputs: TRIG },
  { name: 'tan', ref: Math.tan, maxUlp: 3, range: 'abs(x) < 1e5', inputs: TRIG },
  {
    name: 'atan', ref: Math.atan, maxUlp: 2, range: 'all float32',
    inputs: (d) => unary([...SIGNED(2 ** -149, FLT_MAX, n(30000, d)), ...SIGNED(0.1, 10, n(20000, d)), ...EDGES]),
  },
  {
    name: 'asin', ref: Math.asin, maxUlp: 2, range: '[-1, 1]',
    inputs: (d) => unary([...SIGNED(2 ** -149, 1, n(30000, d)), ...SIGNED(0.45, 1, n(20000, d)), ...EDGES, 1.0000001, -1.0000001]),
  },
  {
    name: 'acos', ref: Math.acos, maxUlp: 1, range: '[-1, 1]',
    inputs: (d) => unary([...SIGNED(2 ** -149, 1, n(30000, d)), ...SIGNED(0.45, 1, n(20000, d)), ...EDGES, 1.0000001, -1.0000001]),
  },
  {
    name: 'tanh', ref: Math.tanh, maxUlp: 2, range: 'all float32',
    inputs: (d) => unary([...SIGNED(2 ** -149, 20, n(30000, d)), ...SIGNED(0.5, 0.75, n(10000, d)), ...EDGES]),
  },
  {
    name: 'round', ref: Math.round, maxUlp: 0, range: 'all float32',
    inputs: (d) => unary([...SIGNED(2 ** -149, FLT_MAX, n(20000, d)), ...around(Array.from({ length: 81 }, (_, i) => (i - 40) / 2), 2), ...EDGES]),
  },
  {
    name: 'expm1', ref: Math.expm1, maxUlp: 1, range: 'all float32',
    inputs: (d) => unary([...SIGNED(2 ** -149, 90, n(30000, d)), ...SIGNED(1e-3, 1, n(20000, d)), ...EDGES]),
  },
  {
    name: 'log1p', ref: Math.log1p, maxUlp: 1, range: 'all float32 > -1',
    inputs: (d) => unary([...sweep(2 ** -149, FLT_MAX, n(30000, d)), ...sweep(-1, -(2 ** -149), n(20000, d)), ...SIGNED(1e-3, 0.5, n(20000, d)), ...EDGES]),
  },
  {
    name: 'log2', ref: Math.log2, maxUlp: 2, range: 'all float32, subnormals included',
    inputs: (d) => unary([...sweep(2 ** -149, FLT_MAX, n(40000, d)), ...sweep(0.9, 1.1, n(20000, d)), ...EDGES]),
  },
  {
    name: 'log10', ref: Math.log10, maxUlp: 2, range: 'all float32, subnormals included',
    inputs: (d) => unary([...sweep(2 ** -149, FLT_MAX, n(40000, d)), ...sweep(0.9, 1.1, n(20000, d)), ...EDGES]),
  },
  {
    name: 'sinh', ref: Math.sinh, maxUlp: 2, range: 'all float32 (overflow > 89.41)',
    inputs: (d) => unary([...SIGNED(2 ** -149, 90, n(30000, d)), ...SIGNED(1e-3, 2, n(20000, d)), ...EDGES]),
  },
  {
    name: 'cosh', ref: Math.cosh, maxUlp: 1, range: 'all float32 (overflow > 89.41)',
    inputs: (d) => unary([...SIGNED(2 ** -149, 90, n(30000, d)), ...SIGNED(1e-3, 2, n(20000, d)), ...EDGES]),
  },
  {
    name: 'cbrt', ref: Math.cbrt, maxUlp: 1, range: 'all float32',
    inputs: (d) => unary([...SIGNED(2 ** -149, FLT_MAX, n(40000, d)), ...sweep(0.5, 8, n(20000, d)), ...EDGES]),
  },
  { name: 'atan2', ref: Math.atan2, maxUlp: 2, range: 'all float32 pairs', inputs: (d) => grid(TWO_ARG(d)) },
  { name: 'hypot', ref: Math.hypot, maxUlp: 1, range: 'all float32 pairs', inputs: (d) => grid(TWO_ARG(d)) },
  {
    name: 'pow', ref: Math.pow, maxUlp: 4, range: 'all float32 pairs',
    inputs: (d) => {
      const out = grid([...TWO_ARG(d), 3, -3, 1.5, 2.5, -7, 1e-3, 100, 1e6]);
      for (const x of sweep(2 ** -149, FLT_MAX, n(1000, d))) {
        for (const y of [0.5, 2, 1 / 3, 2.4, -1.5, 10, 31.7, 100, -100]) {
          out.push([x, y]);
        }
      }
      // Results near overflow and underflow, where y log2 x needs its extra bits.
      for (const x of sweep(1.0001, 2, n(100, Math.sqrt(d)))) {
        for (const y of sweep(1, 1e6, n(100, Math.sqrt(d)))) {
          out.push([x, y], [x, -y], [1 / x, y]);
        }
      }
      return out;
    },
  },
];

export interface Measure {
  readonly maxUlp: number;
  readonly worst: readonly number[];
  readonly got: number;
  readonly want: number;
  readonly count: number;
  readonly nodes: number;
  readonly ops: number;
}

/** The graph of VMATH[name] over args 0..arity-1, and its root. */
export function graphOf(name: string): { b: Builder; root: Val } {
  const entry = VMATH[name];
  if (entry === undefined) {
    throw new Error(`no VMATH entry ${name}`);
  }
  const b = new Builder();
  const args = Array.from({ length: entry.arity }, (_, i) => b.arg(i));
  return { b, root: entry.build(b, ...args) };
}

/** Runs one case at one input density in one fma mode; the worst input, its result and the reference. */
export function measure(c: Case, density: number, options: EvalOptions): Measure {
  const { b, root } = graphOf(c.name);
  const ev = new Evaluator(b.nodes, options);
  let worst: Measure = { maxUlp: -1, worst: [], got: NaN, want: NaN, count: 0, nodes: 0, ops: 0 };
  let count = 0;
  for (const args of c.inputs(density)) {
    const xs = args.map(Math.fround);
    const got = ev.run(xs)[root.id]!;
    const want = Math.fround(c.ref(...xs));
    const err = ulpDistance(got, want);
    count++;
    if (err > worst.maxUlp) {
      worst = { ...worst, maxUlp: err, worst: xs, got, want };
    }
  }
  const ops = b.nodes.filter((n) => n.op !== 'const' && n.op !== 'iconst' && n.op !== 'arg').length;
  return { ...worst, count, nodes: b.nodes.length, ops };
}
