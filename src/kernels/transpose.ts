/**
 * transpose(x, { perm }): a row-major copy with axes permuted (default: reversed), as ONNX
 * Transpose. For a view without a copy use `tensor.transpose()`. Any dtype.
 * Throws ARGUMENT (not a permutation).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { formatShape, sizeOf } from '../tensor/layout.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { defineKernel, NUMERIC } from './kernel.js';

export interface TransposeAttrs {
  perm?: readonly number[] | undefined;
}

export interface TransposeParams {
  /** x viewed with its axes permuted: the output's shape, x's strides. */
  readonly x: ViewSpec;
}

export const transpose = defineKernel<TransposeAttrs, TransposeParams>({
  name: 'transpose',
  inputs: [{ name: 'x', dtypes: NUMERIC }],
  outputs: ['y'],
  defaults: { perm: undefined },
  tolerance: { kind: 'exact' },
  infer: ([x], attrs) => {
    const perm = attrs.perm ?? x!.shape.map((_, i) => x!.rank - 1 - i);
    const valid = Array.isArray(perm) && perm.length === x!.rank && new Set(perm).size === perm.length && perm.every((a) => Number.isInteger(a) && a >= 0 && a < x!.rank);
    if (!valid) {
      fail({ code: 'ARGUMENT', kernel: 'transpose', problem: 'invalid perm', expected: `a permutation of 0..${x!.rank - 1}`, received: Array.isArray(perm) ? formatShape(perm) : String(perm) });
    }
    const shape = perm.map((a) => x!.shape[a]!);
    return {
      outputs: [{ shape, dtype: x!.dtype }],
      params: { x: { shape, strides: perm.map((a) => x!.strides[a]!), offset: x!.offset } },
    };
  },
  cost: (plan) => ({ flops: 0, bytes: 2 * sizeOf(plan.params.x.shape) * dtypeInfo(plan.outputs[0]!.dtype).bytes }),
});
