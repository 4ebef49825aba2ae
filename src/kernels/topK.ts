/**
 * topK(x, { k, axis = -1, largest = true, sorted = true }): the k largest (smallest) elements
 * along `axis` and their int64 indices, as ONNX TopK-11+. Equal values keep the lower index
 * first (ONNX); NaN counts as larger than every number (so it comes first for largest, last
 * for smallest). The output is always sorted (ONNX leaves the order free when sorted = false).
 * Any numeric dtype. Throws DTYPE, ARGUMENT (k not an integer in [0, n], axis out of range).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { normalizeAxis, sizeOf } from '../tensor/layout.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { boolAttr, defineKernel, NUMERIC } from './kernel.js';

export interface TopKAttrs {
  k?: number | undefined;
  axis?: number;
  largest?: boolean;
  sorted?: boolean;
}

export interface TopKParams {
  readonly k: number;
  readonly axis: number;
  readonly largest: boolean;
  readonly x: ViewSpec;
}

export const topK = defineKernel<TopKAttrs, TopKParams>({
  name: 'topK',
  inputs: [{ name: 'x', dtypes: NUMERIC }],
  outputs: ['values', 'indices'],
  defaults: { k: undefined, axis: -1, largest: true, sorted: true },
  tolerance: { kind: 'exact' },
  infer: ([x], attrs) => {
    const largest = boolAttr('topK', 'largest', attrs.largest);
    boolAttr('topK', 'sorted', attrs.sorted);
    const axis = normalizeAxis(attrs.axis as number, x!.rank, 'topK');
    const n = x!.shape[axis]!;
    const k = attrs.k;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
      fail({ code: 'ARGUMENT', kernel: 'topK', problem: `invalid k for ${x!.describe()} along axis ${axis}`, expected: `an integer in [0, ${n}] (the axis length)`, received: String(k) });
    }
    const shape = x!.shape.map((d, i) => (i === axis ? k : d));
    return {
      outputs: [
        { shape, dtype: x!.dtype },
        { shape, dtype: 'int64' },
      ],
      params: { k, axis, largest, x: { shape: x!.shape, strides: x!.strides, offset: x!.offset } },
    };
  },
  cost: (plan) => {
    const n = sizeOf(plan.params.x.shape);
    return { flops: n * Math.log2(2 + plan.params.k), bytes: n * dtypeInfo(plan.outputs[0]!.dtype).bytes };
  },
});
