import type { RangeParams } from '../../kernels/range.js';
import type { KernelImpl } from '../backend.js';

/**
 * numpy's arange fill: y[0] = start, y[1] = start + delta, and y[i] = start + i * d with
 * d = y[1] - y[0] (so np.arange(1, 1.3, 0.1)[2] is 1.2000000000000002). float32 does this
 * arithmetic in float32, as numpy's FLOAT_fill does; other dtypes in float64.
 */
export const rangeRef: KernelImpl<RangeParams> = (plan, _, [y]) => {
  const { start, delta } = plan.params;
  const Y = y!.data('range');
  const f32 = y!.dtype === 'float32';
  const round = f32 ? Math.fround : (v: number) => v;
  const first = round(start);
  const second = round(start + delta);
  const d = round(second - first);
  for (let i = 0; i < y!.size; i++) {
    // numpy converts i to the dtype first (float32 rounds above 2^24).
    const v = i === 0 ? first : i === 1 ? second : round(first + round(round(i) * d));
    Y[i] = y!.dtype === 'int64' ? BigInt(v) : v;
  }
};
