/** Kernels `hotpath check` must pass: one of each kind, with branches, broadcasting and params. */
import { map, pairwise, reduce, rows, type f32, type i32, type Row } from '../../src/user/kernel.js';

export const softClip = map({
  name: 'softClip',
  inputs: ['x', 'limit'],
  params: { gain: 0.5 },
  element(x: f32, limit: f32, gain: f32): f32 {
    const a = Math.abs(limit) + 1;
    if (x > a) {
      return a + gain * (x - a);
    }
    return x < -a ? -a + gain * (x + a) : x;
  },
});

export const smallest = reduce({
  name: 'smallest',
  inputs: ['x', 'y'],
  combine: 'min',
  element: (x: f32, y: f32): f32 => Math.min(x, y) * 2,
});

export const centred = rows({
  name: 'centred',
  inputs: ['x'],
  tolerance: { ulp: 16 },
  row(x: Row, out: Row, n: i32): void {
    let peak = 0;
    for (let j = 0; j < n; j++) {
      peak = Math.max(peak, Math.abs(x[j]!));
    }
    for (let j = 0; j < n; j++) {
      out[j] = peak > 0 ? x[j]! / peak : 0;
    }
  },
});

export const manhattan = pairwise({
  name: 'manhattan',
  term: (a: f32, b: f32): f32 => Math.abs(a - b),
});
