/**
 * The shared loop of reduceMax / reduceMin: for each output element (the kept dims), the
 * largest (smallest) element of the reduced dims. NaN wins (numpy's max / min); +0 counts as
 * larger than -0 (IEEE maximum, what SIMD max instructions do); an empty set gives the identity.
 */
import type { Inputs, Plan } from '../../kernels/kernel.js';
import type { ReduceParams } from '../../kernels/reduce.js';
import { dtypeInfo, type DType } from '../../tensor/dtype.js';
import { eachOffset, forEachElement } from '../../tensor/layout.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The result over an empty set: -Infinity for max, the dtype's lowest value for integers, false for bool. */
export function extremeIdentity(dtype: DType, largest: boolean): number | bigint {
  const info = dtypeInfo(dtype);
  if ((dtype as string) === 'bool') {
    // bool max is "any" (false over nothing), bool min is "all" (true over nothing).
    return largest ? 0 : 1;
  }
  if (info.float) {
    return largest ? -Infinity : Infinity;
  }
  const bits = BigInt(info.bytes * 8);
  const signed = dtype.startsWith('int');
  const lowest = signed ? -(1n << (bits - 1n)) : 0n;
  const highest = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const v = largest ? lowest : highest;
  return info.bigint ? v : Number(v);
}

/** Whether `v` replaces `best` as the running max (min): NaN sticks, +0 beats -0 for max. */
export function beats(v: number | bigint, best: number | bigint, largest: boolean): boolean {
  if (typeof v === 'number' && typeof best === 'number') {
    if (Number.isNaN(best)) {
      return false;
    }
    if (Number.isNaN(v)) {
      return true;
    }
    if (v === 0 && best === 0) {
      return largest ? Object.is(best, -0) : Object.is(v, -0);
    }
  }
  return largest ? v > best : v < best;
}

export function extremeLines(kernel: string, plan: Plan<ReduceParams>, [x]: Inputs, [y]: readonly Tensor[], largest: boolean): void {
  const { reduced, x: xv } = plan.params;
  const X = x!.data(kernel);
  const Y = y!.data(kernel);
  const keptShape = xv.shape.filter((_, i) => !reduced[i]);
  const keptStrides = xv.strides.filter((_, i) => !reduced[i]);
  const lineShape = xv.shape.filter((_, i) => reduced[i]);
  const lineStrides = xv.strides.filter((_, i) => reduced[i]);
  const identity = extremeIdentity(y!.dtype, largest);
  let out = 0;
  forEachElement(keptShape, [keptStrides], [xv.offset], ([base]) => {
    let best = identity;
    eachOffset(lineShape, lineStrides, base!, (off) => {
      const v = X[off]!;
      if (beats(v, best, largest)) {
        best = v;
      }
    });
    Y[out++] = best;
  });
}
