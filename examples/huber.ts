/**
 * Huber loss, summed: a custom loss as a reduce kernel.
 *
 * Before: `huberLoss`, a plain loop over two Float32Arrays. After: `huber`, the same arithmetic
 * written for one element; hotpath runs it as the reference and compiles it to four SIMD lanes
 * on every thread, summing per fixed chunk in float64 so the result does not depend on the
 * thread count. `hotpath check examples/huber.ts` compares the two.
 */
import { reduce, type f32 } from '../src/kernel/index.js';

/** The function this kernel was ported from: sum of h(pred - target). */
export function huberLoss(pred: Float32Array, target: Float32Array, delta = 1): number {
  let sum = 0;
  for (let i = 0; i < pred.length; i++) {
    const r = pred[i]! - target[i]!;
    const a = Math.abs(r);
    sum += a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
  }
  return sum;
}

export const huber = reduce({
  name: 'huber',
  inputs: ['pred', 'target'],
  params: { delta: 1 },
  combine: 'sum',
  element(pred: f32, target: f32, delta: f32): f32 {
    const r = pred - target;
    const a = Math.abs(r);
    return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
  },
});
