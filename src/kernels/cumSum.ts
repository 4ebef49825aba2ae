/**
 * cumSum(x, { axis, exclusive = false, reverse = false }): running sums along `axis`, as ONNX
 * CumSum-14 (numpy cumsum with an axis). `exclusive` leaves out each element itself (the first
 * sum is 0); `reverse` sums from the end. `axis` may be left out only for rank <= 1 (numpy's
 * cumsum without an axis flattens; here say which axis). Floats sum in float64 and round each
 * output once; integers wrap as in C. Throws DTYPE, ARGUMENT (axis missing or out of range).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { normalizeAxis, sizeOf } from '../tensor/layout.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { boolAttr, defineKernel } from './kernel.js';

export interface CumSumAttrs {
  axis?: number | undefined;
  exclusive?: boolean;
  reverse?: boolean;
}

export interface CumSumParams {
  readonly axis: number;
  readonly exclusive: boolean;
  readonly reverse: boolean;
  readonly x: ViewSpec;
}

export const cumSum = defineKernel<CumSumAttrs, CumSumParams>({
  name: 'cumSum',
  inputs: [{ name: 'x', dtypes: ['float32', 'float64', 'int32', 'int64', 'uint32', 'uint64'] }],
  outputs: ['y'],
  defaults: { axis: undefined, exclusive: false, reverse: false },
  tolerance: { kind: 'accumulated', factor: 2 },
  infer: ([x], attrs) => {
    const exclusive = boolAttr('cumSum', 'exclusive', attrs.exclusive);
    const reverse = boolAttr('cumSum', 'reverse', attrs.reverse);
    if (attrs.axis === undefined && x!.rank > 1) {
      fail({ code: 'ARGUMENT', kernel: 'cumSum', problem: `axis is required for ${x!.describe()}`, expected: `an integer in [${-x!.rank}, ${x!.rank - 1}]`, received: 'undefined', hint: 'numpy flattens without an axis; for that, cumSum(x.reshape([-1]), { axis: 0 })' });
    }
    // A scalar has one running sum, itself: axis 0 of its 1-element view.
    const axis = x!.rank === 0 ? 0 : normalizeAxis(attrs.axis ?? 0, x!.rank, 'cumSum');
    const view = x!.rank === 0 ? { shape: [1], strides: [0], offset: x!.offset } : { shape: x!.shape, strides: x!.strides, offset: x!.offset };
    return { outputs: [{ shape: x!.shape, dtype: x!.dtype }], params: { axis, exclusive, reverse, x: view } };
  },
  cost: (plan) => {
    const n = sizeOf(plan.params.x.shape);
    return { flops: n, bytes: 2 * n * dtypeInfo(plan.outputs[0]!.dtype).bytes };
  },
  depth: (plan) => plan.params.x.shape[plan.params.axis]!,
});
