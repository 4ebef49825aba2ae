/**
 * A kernel `hotpath check` must fail: (x + 1e8) - 1e8 is x in the float64 reference, but float32
 * lanes round x + 1e8 to a multiple of 8 (float32's spacing at 1e8), so most results are off by
 * up to 4, far beyond any ulp tolerance of x.
 */
import { map, type f32 } from '../../src/user/kernel.js';

export const cancels = map({
  name: 'cancels',
  inputs: ['x'],
  element: (x: f32): f32 => x + 1e8 - 1e8,
});
