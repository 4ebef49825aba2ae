import type { TopKParams } from '../../kernels/topK.js';
import { forEachElement, rowStrides } from '../../tensor/layout.js';
import type { KernelImpl } from '../backend.js';

/**
 * For each line along the axis: sorts the indices by value (largest or smallest first, NaN as
 * the largest value, equal values by lower index: a stable sort of 0..n-1) and keeps k.
 */
export const topKRef: KernelImpl<TopKParams> = (plan, [x], [values, indices]) => {
  const { k, axis, largest, x: xv } = plan.params;
  const X = x!.data('topK');
  const V = values!.data('topK');
  const I = indices!.data('topK');
  const outStrides = rowStrides(values!.shape);
  const n = xv.shape[axis]!;
  const keep = (_: number, i: number): boolean => i !== axis;
  forEachElement(xv.shape.filter(keep), [xv.strides.filter(keep), outStrides.filter(keep)], [xv.offset, 0], ([xo, yo]) => {
    const at = (i: number): number | bigint => X[xo! + i * xv.strides[axis]!]!;
    const order = Array.from({ length: n }, (_, i) => i);
    // Array.prototype.sort is stable, so equal values keep the lower index first.
    order.sort((a, b) => (largest ? rank(at(b), at(a)) : rank(at(a), at(b))));
    for (let j = 0; j < k; j++) {
      V[yo! + j * outStrides[axis]!] = at(order[j]!);
      I[yo! + j * outStrides[axis]!] = BigInt(order[j]!);
    }
  });
};

/** Ascending order with NaN above every number; 0 for equal values (and -0 vs +0). */
function rank(a: number | bigint, b: number | bigint): number {
  const aNaN = typeof a === 'number' && Number.isNaN(a);
  const bNaN = typeof b === 'number' && Number.isNaN(b);
  if (aNaN || bNaN) {
    return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
