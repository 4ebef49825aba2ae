/**
 * Shared declaration of argMax / argMin (ONNX ArgMax-13 / ArgMin-13): the int64 index of the
 * largest (smallest) element along `axis` (default 0); `keepdims` (default true, as ONNX; numpy's
 * argmax drops the axis) keeps the axis as 1; ties give the first index unless `selectLastIndex`.
 * NaN counts as the extreme (numpy: the first NaN's index).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { normalizeAxis, sizeOf } from '../tensor/layout.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { boolAttr, defineKernel, NUMERIC, type KernelDef } from './kernel.js';

export interface ArgAttrs {
  axis?: number;
  keepdims?: boolean;
  selectLastIndex?: boolean;
}

export interface ArgParams {
  readonly axis: number;
  readonly selectLastIndex: boolean;
  readonly x: ViewSpec;
}

export function defineArg(name: string): KernelDef<ArgAttrs, ArgParams> {
  return defineKernel<ArgAttrs, ArgParams>({
    name,
    inputs: [{ name: 'x', dtypes: NUMERIC }],
    outputs: ['indices'],
    defaults: { axis: 0, keepdims: true, selectLastIndex: false },
    tolerance: { kind: 'exact' },
    infer: ([x], attrs) => {
      const keepdims = boolAttr(name, 'keepdims', attrs.keepdims);
      const selectLastIndex = boolAttr(name, 'selectLastIndex', attrs.selectLastIndex);
      const axis = normalizeAxis(attrs.axis as number, x!.rank, name);
      if (x!.shape[axis] === 0) {
        fail({ code: 'SHAPE', kernel: name, problem: `axis ${axis} of ${x!.describe()} is empty`, expected: 'at least one element along the axis', received: 'size 0', hint: 'an empty sequence has no largest or smallest element' });
      }
      const shape = keepdims ? x!.shape.map((d, i) => (i === axis ? 1 : d)) : x!.shape.filter((_, i) => i !== axis);
      return {
        outputs: [{ shape, dtype: 'int64' }],
        params: { axis, selectLastIndex, x: { shape: x!.shape, strides: x!.strides, offset: x!.offset } },
      };
    },
    cost: (plan) => {
      const n = sizeOf(plan.params.x.shape);
      return { flops: n, bytes: n * dtypeInfo('float32').bytes };
    },
  });
}
