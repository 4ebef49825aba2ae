/**
 * gelu(x, { approximate }): x * Phi(x). `approximate: 'none'` (default) uses erf;
 * `'tanh'` uses 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))), as ONNX Gelu-20.
 * Float dtypes. Throws DTYPE, ARGUMENT (unknown approximation).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { elementwiseCost, outputView } from './broadcast.js';
import { defineKernel, FLOATS } from './kernel.js';
import type { UnaryParams } from './relu.js';

export interface GeluAttrs {
  approximate?: 'none' | 'tanh';
}

export interface GeluParams extends UnaryParams {
  readonly approximate: 'none' | 'tanh';
}

export const gelu = defineKernel<GeluAttrs, GeluParams>({
  name: 'gelu',
  inputs: [{ name: 'x', dtypes: FLOATS }],
  outputs: ['y'],
  defaults: { approximate: 'none' },
  // A few roundings in erf/tanh and the products; floor 1 because gelu(x) -> 0 for x << 0
  // is a difference of nearly equal terms in the tanh form.
  tolerance: { kind: 'ulp', ulp: 8, floor: 2 ** -10 },
  infer: ([x], attrs) => {
    const approximate = attrs.approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') {
      fail({ code: 'ARGUMENT', kernel: 'gelu', problem: 'unknown approximation', expected: "'none' or 'tanh'", received: String(approximate) });
    }
    return {
      outputs: [{ shape: x!.shape, dtype: x!.dtype }],
      params: { shape: x!.shape, x: { shape: x!.shape, strides: x!.strides, offset: x!.offset }, y: outputView(x!.shape), approximate },
    };
  },
  cost: (plan) => {
    const base = elementwiseCost(plan, 1, dtypeInfo(plan.outputs[0]!.dtype).bytes);
    return { flops: base.flops * 20, bytes: base.bytes };
  },
});
