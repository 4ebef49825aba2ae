import type { RangeParams } from '../../kernels/range.js';
import type { KernelImpl } from '../backend.js';

/** value i = start + i * delta in float64; the store rounds (floats) or is exact (integers). */
export const rangeRef: KernelImpl<RangeParams> = (plan, _, [y]) => {
  const { start, delta } = plan.params;
  const Y = y!.data('range');
  const big = y!.dtype === 'int64';
  for (let i = 0; i < y!.size; i++) {
    const v = start + i * delta;
    Y[i] = big ? BigInt(v) : v;
  }
};
