/**
 * The shared loop of argMax / argMin: for each position of the other dims, walks the axis and
 * keeps the index of the extreme element (the first on ties, or the last with selectLastIndex).
 */
import type { ArgParams } from '../../kernels/arg.js';
import type { Inputs, Plan } from '../../kernels/kernel.js';
import { forEachElement } from '../../tensor/layout.js';
import type { Tensor } from '../../tensor/tensor.js';

export function argLines(kernel: string, plan: Plan<ArgParams>, [x]: Inputs, [y]: readonly Tensor[], largest: boolean): void {
  const { axis, selectLastIndex, x: xv } = plan.params;
  const X = x!.data(kernel);
  const Y = y!.data(kernel);
  const n = xv.shape[axis]!;
  const stride = xv.strides[axis]!;
  const otherShape = xv.shape.filter((_, i) => i !== axis);
  const otherStrides = xv.strides.filter((_, i) => i !== axis);
  let out = 0;
  forEachElement(otherShape, [otherStrides], [xv.offset], ([base]) => {
    let best = X[base!]!;
    let index = 0;
    for (let i = 1; i < n; i++) {
      const v = X[base! + i * stride]!;
      // A tie moves to the later index only with selectLastIndex (never away from a NaN).
      const tie = selectLastIndex && (v === best || (Number.isNaN(v) && Number.isNaN(best)));
      if (better(v, best, largest) || tie) {
        best = v;
        index = i;
      }
    }
    Y[out++] = BigInt(index);
  });
}

/** Strictly more extreme: NaN beats any number and nothing beats NaN; -0 and +0 tie. */
function better(v: number | bigint, best: number | bigint, largest: boolean): boolean {
  if (typeof v === 'number' && typeof best === 'number') {
    if (Number.isNaN(best)) {
      return false;
    }
    if (Number.isNaN(v)) {
      return true;
    }
  }
  return largest ? v > best : v < best;
}
