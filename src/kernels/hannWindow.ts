/**
 * hannWindow({ size, periodic, dtype }): the Hann window, as ONNX HannWindow-17.
 * w[n] = sin^2(pi * n / M) = 0.5 - 0.5 * cos(2 * pi * n / M) for n in [0, size), where
 * M = size when `periodic` (the default; for framing an STFT) and M = size - 1 when symmetric
 * (for filter design). A symmetric window of size 1 is [1], as numpy.hanning(1); ONNX would
 * divide by zero there. No tensor inputs. Throws ARGUMENT (size, periodic), DTYPE (dtype).
 */
import { intAttr, boolAttr, defineKernel } from './kernel.js';
import { outputView } from './broadcast.js';
import { dtypeInfo } from '../tensor/dtype.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { floatDTypeAttr, requiredAttr, type FloatDType } from './spectral.js';

export interface HannWindowAttrs {
  /** Window length, an integer >= 0. Required. */
  size?: number;
  periodic?: boolean;
  dtype?: FloatDType;
}

export interface HannWindowParams {
  readonly size: number;
  /** The divisor M of the formula; 0 only for a symmetric window of size 1. */
  readonly denominator: number;
  readonly y: ViewSpec;
}

export const hannWindow = defineKernel<HannWindowAttrs, HannWindowParams>({
  name: 'hannWindow',
  inputs: [],
  outputs: ['y'],
  defaults: { size: undefined, periodic: true, dtype: 'float32' },
  // One sin and a square in float64, then one rounding to the dtype; absolute near the zeros.
  tolerance: { kind: 'ulp', ulp: 4, floor: 1 },
  infer: (_inputs, attrs) => {
    const size = intAttr('hannWindow', 'size', requiredAttr('hannWindow', 'size', attrs.size, 'an integer >= 0'), 0);
    const periodic = boolAttr('hannWindow', 'periodic', attrs.periodic);
    const dtype = floatDTypeAttr('hannWindow', attrs.dtype);
    const denominator = periodic ? size : Math.max(size - 1, 0);
    return {
      outputs: [{ shape: [size], dtype }],
      params: { size, denominator, y: outputView([size]) },
    };
  },
  cost: (plan) => ({
    flops: plan.params.size * 20,
    bytes: plan.params.size * dtypeInfo(plan.outputs[0]!.dtype).bytes,
  }),
});
