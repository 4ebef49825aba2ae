/**
 * What a call may do, checked: succeed, or throw a HotpathError with one of the listed codes.
 * Anything else (another code, a plain TypeError, a crash) is a ModelViolation, which fails the
 * run. A tally counts every outcome by operation and code for the report.
 */
import { isHotpathError, type ErrorCode } from '../../src/index.js';

/** A disagreement between hotpath and the model: the fuzzer's finding. */
export class ModelViolation extends Error {
  override readonly name = 'ModelViolation';
}

export interface Expect {
  /** Success is allowed. */
  readonly ok: boolean;
  /** Codes a HotpathError may carry. */
  readonly codes: readonly ErrorCode[];
}

export const OK: Expect = { ok: true, codes: [] };
export const LIFETIME: Expect = { ok: false, codes: ['LIFETIME'] };

export function fails(...codes: ErrorCode[]): Expect {
  return { ok: false, codes };
}

export function okOr(...codes: ErrorCode[]): Expect {
  return { ok: true, codes };
}

/** Outcome counts: `operation -> outcome ('ok' or an error code) -> count`. */
export class Tally {
  readonly counts = new Map<string, Map<string, number>>();

  count(operation: string, outcome: string): void {
    let row = this.counts.get(operation);
    if (row === undefined) {
      row = new Map();
      this.counts.set(operation, row);
    }
    row.set(outcome, (row.get(outcome) ?? 0) + 1);
  }

  toJSON(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)).map(([op, row]) => [op, Object.fromEntries(row)]));
  }
}

/**
 * Runs `fn` and checks its outcome against `expected`: returns its value on success, undefined
 * after an allowed coded error; throws ModelViolation otherwise.
 */
export function attempt<T>(tally: Tally, operation: string, expected: Expect, fn: () => T): T | undefined {
  let value: T;
  try {
    value = fn();
  } catch (error) {
    checkError(tally, operation, expected, error);
    return undefined;
  }
  if (!expected.ok) {
    throw new ModelViolation(`${operation}: succeeded, expected ${expected.codes.join(' or ')}`);
  }
  tally.count(operation, 'ok');
  return value;
}

/** An error thrown by hotpath: must be a HotpathError with an allowed code. */
export function checkError(tally: Tally, operation: string, expected: Expect, error: unknown): void {
  if (error instanceof ModelViolation) {
    throw error;
  }
  if (!isHotpathError(error)) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new ModelViolation(`${operation}: threw something other than a HotpathError: ${text}`);
  }
  if (!expected.codes.includes(error.code)) {
    const want = expected.ok ? `success${expected.codes.length > 0 ? ` or ${expected.codes.join(' or ')}` : ''}` : expected.codes.join(' or ');
    throw new ModelViolation(`${operation}: threw ${error.code} (${error.message}), expected ${want}`);
  }
  tally.count(operation, error.code);
}

/** Deterministic pseudo-random numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function intIn(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function oneOf<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

export function sameValues(got: ArrayLike<number | bigint>, want: readonly number[], tolerance = 0): string | undefined {
  if (got.length !== want.length) {
    return `length ${got.length}, expected ${want.length}`;
  }
  for (let i = 0; i < want.length; i++) {
    const g = Number(got[i]);
    const w = want[i]!;
    const close = tolerance === 0 ? g === w : Math.abs(g - w) <= tolerance * (1 + Math.abs(w));
    if (!close && !(Number.isNaN(g) && Number.isNaN(w))) {
      return `element ${i} is ${g}, expected ${w}`;
    }
  }
  return undefined;
}
