/**
 * range({ start, limit, delta = 1, dtype = 'float32' }): start, start + delta, ... up to and
 * excluding limit, as ONNX Range and numpy arange: max(ceil((limit - start) / delta), 0) values,
 * filled as numpy does: y[i] = start + i * (y[1] - y[0]) (float32 in float32 arithmetic).
 * Throws ARGUMENT (delta 0, a non-finite bound, non-integers for an integer dtype), DTYPE.
 */
import { fail } from '../errors.js';
import { dtypeInfo, parseDType, type DType } from '../tensor/dtype.js';
import { defineKernel, finiteAttr } from './kernel.js';

export interface RangeAttrs {
  start?: number | undefined;
  limit?: number | undefined;
  delta?: number;
  dtype?: DType;
}

export interface RangeParams {
  readonly start: number;
  readonly delta: number;
}

const DTYPES: readonly DType[] = ['float32', 'float64', 'int16', 'int32', 'int64'];

export const range = defineKernel<RangeAttrs, RangeParams>({
  name: 'range',
  inputs: [],
  outputs: ['y'],
  defaults: { start: undefined, limit: undefined, delta: 1, dtype: 'float32' },
  tolerance: { kind: 'exact' },
  infer: (_, attrs) => {
    const start = finiteAttr('range', 'start', attrs.start);
    const limit = finiteAttr('range', 'limit', attrs.limit);
    const delta = finiteAttr('range', 'delta', attrs.delta);
    const dtype = parseDType(attrs.dtype, 'range');
    if (!DTYPES.includes(dtype)) {
      fail({ code: 'DTYPE', kernel: 'range', problem: 'unsupported dtype', expected: DTYPES.join(' | '), received: dtype });
    }
    if (delta === 0) {
      fail({ code: 'ARGUMENT', kernel: 'range', problem: 'delta is 0', expected: 'a non-zero step', received: '0' });
    }
    if (!dtypeInfo(dtype).float && ![start, limit, delta].every(Number.isSafeInteger)) {
      fail({ code: 'ARGUMENT', kernel: 'range', problem: `non-integer bounds for ${dtype}`, expected: 'safe integers for start, limit and delta', received: `${start}, ${limit}, ${delta}` });
    }
    const count = Math.max(Math.ceil((limit - start) / delta), 0);
    if (!Number.isSafeInteger(count)) {
      fail({ code: 'ARGUMENT', kernel: 'range', problem: 'too many values', expected: 'a count below 2^53', received: String(count) });
    }
    return { outputs: [{ shape: [count], dtype }], params: { start, delta } };
  },
  cost: (plan) => ({ flops: plan.outputs[0]!.shape[0]!, bytes: plan.outputs[0]!.shape[0]! * dtypeInfo(plan.outputs[0]!.dtype).bytes }),
});
