/** Small helpers shared by the test files. */
import assert from 'node:assert/strict';
import { HotpathError } from '../src/index.js';

/** The `code` of the HotpathError `fn` throws, or 'no error'. Fails on any other error. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HotpathError, `expected a HotpathError, got ${String(error)}`);
    return error.code;
  }
  return 'no error';
}

/** A tensor's elements in row-major order as a plain array. */
export function values(t: { toArray(): ArrayLike<number | bigint> }): (number | bigint)[] {
  return Array.from(t.toArray());
}
