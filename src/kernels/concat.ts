/**
 * concat(inputs, { axis = 0 }): the inputs joined along `axis`, as ONNX Concat-13 and numpy
 * concatenate (its default axis 0). Every input has the same dtype and rank, and the same dims
 * except along `axis`. Any dtype. Throws DTYPE, SHAPE (ranks or dims differ), ARGUMENT (no
 * inputs, axis out of range).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { formatShape, normalizeAxis, sizeOf } from '../tensor/layout.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { defineKernel, sameDType } from './kernel.js';
import { COPYABLE, viewOf } from './view.js';

export interface ConcatAttrs {
  axis?: number;
}

export interface ConcatParams {
  readonly axis: number;
  readonly inputs: readonly ViewSpec[];
  /** Where each input starts along the axis of the output. */
  readonly starts: readonly number[];
}

export const concat = defineKernel<ConcatAttrs, ConcatParams>({
  name: 'concat',
  inputs: [{ name: 'inputs', dtypes: COPYABLE, variadic: true }],
  outputs: ['y'],
  defaults: { axis: 0 },
  tolerance: { kind: 'exact' },
  infer: (inputs, attrs) => {
    const xs = inputs.map((t, i) => t ?? fail({ code: 'ARGUMENT', kernel: 'concat', problem: `input ${i} is missing`, expected: 'a tensor', received: 'undefined' }));
    const dtype = sameDType('concat', xs);
    const first = xs[0]!;
    const axis = normalizeAxis(attrs.axis as number, first.rank, 'concat');
    for (const t of xs) {
      const fits = t.rank === first.rank && t.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!fits) {
        fail({ code: 'SHAPE', kernel: 'concat', problem: `shapes differ off axis ${axis}`, expected: `rank ${first.rank} with every dim but ${axis} as ${formatShape(first.shape)}`, received: xs.map((x) => x.describe()).join(', ') });
      }
    }
    const starts: number[] = [];
    let total = 0;
    for (const t of xs) {
      starts.push(total);
      total += t.shape[axis]!;
    }
    const shape = first.shape.map((d, i) => (i === axis ? total : d));
    return { outputs: [{ shape, dtype }], params: { axis, inputs: xs.map(viewOf), starts } };
  },
  cost: (plan) => ({ flops: 0, bytes: 2 * sizeOf(plan.outputs[0]!.shape) * dtypeInfo(plan.outputs[0]!.dtype).bytes }),
});
