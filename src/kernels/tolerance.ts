/**
 * Compares an answer with the expected one under a kernel's declared tolerance. Used by the
 * runtime's verify mode (backend vs ref) and by the conformance harness (ref vs fixtures).
 */
import { dtypeInfo, type DType, type TypedArray } from '../tensor/dtype.js';
import type { Tolerance } from './kernel.js';

export interface Worst {
  /** Flat row-major index of the worst element. */
  readonly index: number;
  readonly actual: number | bigint;
  readonly expected: number | bigint;
  readonly error: number;
  readonly bound: number;
}

export interface Comparison {
  readonly ok: boolean;
  /** Largest error / bound (0 when equal; Infinity for a NaN or Inf mismatch). */
  readonly ratio: number;
  readonly worst: Worst | undefined;
  readonly count: number;
}

export interface CompareInput {
  readonly tolerance: Tolerance;
  readonly dtype: DType;
  /** Row-major elements. */
  readonly actual: TypedArray;
  readonly expected: TypedArray;
  /** For `accumulated`: the reference run on |inputs|, row-major. */
  readonly magnitude?: TypedArray;
  /** Terms per output (`accumulated`) or transform length (`spectral`). */
  readonly depth?: number;
}

export function compare(input: CompareInput): Comparison {
  const { actual, expected } = input;
  const n = expected.length;
  if (actual.length !== n) {
    return { ok: false, ratio: Infinity, worst: undefined, count: n };
  }
  const info = dtypeInfo(input.dtype);
  const boundOf = boundFunction(input, info.float ? info.eps : 0);
  const overflow = overflowOf(input.dtype);
  let ratio = 0;
  let worst: Worst | undefined;
  for (let i = 0; i < n; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a === e || (typeof a === 'number' && typeof e === 'number' && Number.isNaN(a) && Number.isNaN(e))) {
      continue;
    }
    // An infinity against a finite value stands for the overflow threshold it rounded from, so
    // 3.4028e38 against ref's Infinity (a float64 sum just past the float32 range) is a
    // rounding difference, and 1 against Infinity is not.
    const finiteA = typeof a === 'number' && typeof e === 'number' && Number.isFinite(e) ? beyond(a, overflow) : a;
    const finiteE = typeof a === 'number' && typeof e === 'number' && Number.isFinite(a) ? beyond(e, overflow) : e;
    const error = typeof finiteA === 'bigint' || typeof finiteE === 'bigint' ? Infinity : Math.abs(finiteA - finiteE);
    const bound = boundOf(i, typeof e === 'number' ? beyond(e, overflow) : e);
    // An infinite bound states no guarantee: the float32 sum of the terms' magnitudes overflows,
    // so a float32 accumulation may overflow on the way (Infinity, or NaN from Inf - Inf).
    // Otherwise a NaN error (Inf vs Inf of other sign, NaN vs number) is infinitely wrong.
    const r = bound === Infinity ? 0 : Number.isNaN(error) || !Number.isFinite(error) ? Infinity : bound === 0 ? (error === 0 ? 0 : Infinity) : error / bound;
    if (worst === undefined || r > ratio) {
      ratio = Math.max(ratio, r);
      worst = { index: i, actual: a, expected: e, error, bound };
    }
  }
  return { ok: ratio <= 1, ratio, worst, count: n };
}

/** The magnitude a float rounds to Infinity from (2^128 for float32); Infinity for others. */
function overflowOf(dtype: DType): number {
  return dtype === 'float32' ? 2 ** 128 : dtype === 'float64' ? Number.MAX_VALUE : Infinity;
}

function beyond(v: number, overflow: number): number {
  return v === Infinity ? overflow : v === -Infinity ? -overflow : v;
}

/**
 * Below the smallest normal number, relative bounds mean nothing: a correct backend may flush
 * subnormal results to zero (WGSL may) or round them in a different order. Every non-exact
 * bound therefore also allows an absolute `terms * smallest normal`.
 */
export function underflow(dtype: DType): number {
  return dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
}

function boundFunction(input: CompareInput, eps: number): (i: number, e: number | bigint) => number {
  const tol = input.tolerance;
  const tiny = underflow(input.dtype);
  switch (tol.kind) {
    case 'exact':
      return () => 0;
    case 'ulp':
      return (_i, e) => tol.ulp * (eps * Math.max(Math.abs(Number(e)), tol.floor) + tiny);
    case 'accumulated': {
      const depth = Math.max(input.depth ?? 1, 1);
      const mag = input.magnitude;
      return (i, e) => tol.factor * depth * (eps * Math.abs(Number(mag === undefined ? e : mag[i]!)) + tiny);
    }
    case 'relative': {
      const depth = Math.max(input.depth ?? 1, 1);
      return (_i, e) => tol.factor * depth * (eps * Math.max(Math.abs(Number(e)), tol.floor) + tiny);
    }
    case 'spectral': {
      let peak = 0;
      for (const e of input.expected) {
        const v = Math.abs(Number(e));
        if (v > peak && Number.isFinite(v)) {
          peak = v;
        }
      }
      const bound = tol.factor * Math.log2(2 + (input.depth ?? 1)) * (eps * peak + tiny);
      return () => bound;
    }
  }
}

/** One line for messages: `worst at [3]: 1.5 vs 1.25 (error 0.25 > bound 1e-6)`. */
export function describeWorst(c: Comparison): string {
  if (c.worst === undefined) {
    return c.ok ? 'all equal' : 'lengths differ';
  }
  const w = c.worst;
  return `worst at flat index ${w.index}: ${String(w.actual)} vs expected ${String(w.expected)} (error ${w.error.toExponential(3)}, bound ${w.bound.toExponential(3)}, ratio ${c.ratio.toPrecision(3)})`;
}
