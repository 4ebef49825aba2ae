/**
 * compare() at the ends of the float32 range (issue 8: the property generators reach it now).
 * An infinity against a finite value stands for the overflow threshold it rounded from; an
 * accumulated bound whose magnitude overflows states no guarantee.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compare } from '../../src/kernels/tolerance.js';

const f32 = (...v: number[]): Float32Array => Float32Array.from(v);
const FLOAT32_MAX = 3.4028234663852886e38;

test('float32: the largest finite value against Infinity is a rounding difference; 1, -Infinity or NaN against Infinity are not', () => {
  const relative = { kind: 'relative', factor: 8, floor: 0 } as const;
  // A float64 sum of 3.40282357e38 rounds to Infinity in float32; a float32 sum may stop at the largest finite.
  assert.ok(compare({ tolerance: relative, dtype: 'float32', actual: f32(FLOAT32_MAX, -FLOAT32_MAX), expected: f32(Infinity, -Infinity), depth: 4 }).ok);
  assert.ok(compare({ tolerance: relative, dtype: 'float32', actual: f32(Infinity), expected: f32(FLOAT32_MAX), depth: 4 }).ok);
  for (const wrong of [1, -Infinity, NaN, 1e38]) {
    assert.equal(compare({ tolerance: relative, dtype: 'float32', actual: f32(wrong), expected: f32(Infinity), depth: 4 }).ok, false, `${wrong} vs Infinity`);
  }
  assert.equal(compare({ tolerance: { kind: 'exact' }, dtype: 'float32', actual: f32(FLOAT32_MAX), expected: f32(Infinity) }).ok, false, 'exact stays exact');
});

test('accumulated: a magnitude past float32 states no bound (a float32 sum may overflow on the way, even to NaN); a finite one still does', () => {
  const accumulated = { kind: 'accumulated', factor: 2 } as const;
  const run = (actual: number, magnitude: number): boolean => compare({ tolerance: accumulated, dtype: 'float32', actual: f32(actual), expected: f32(5), magnitude: f32(magnitude), depth: 3 }).ok;
  assert.equal(run(NaN, Infinity), true);
  assert.equal(run(Infinity, Infinity), true);
  assert.equal(run(NaN, 1e30), false);
  assert.equal(run(Infinity, 1e30), false);
  assert.equal(run(6, 1e3), false);
});
