/**
 * layerNorm(x, scale?, bias?, { axis = -1, epsilon = 1e-5 }): normalizes over every axis from
 * `axis` to the last (ONNX LayerNormalization-17). Outputs y (shape of x), mean and invStdDev
 * (shape of x with the normalized dims set to 1). Variance is the population variance.
 * scale and bias broadcast to the normalized shape x.shape[axis:].
 * Throws DTYPE, ARGUMENT (axis, epsilon), SHAPE (scale/bias shape, nothing to normalize).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { broadcastStrides, formatShape, normalizeAxis, sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { defineKernel, finiteAttr, FLOATS, sameDType } from './kernel.js';

export interface LayerNormAttrs {
  axis?: number;
  epsilon?: number;
}

export interface LayerNormParams {
  readonly axis: number;
  /** Number of independent groups (product of x.shape[:axis]). */
  readonly outer: number;
  /** Elements per group (product of x.shape[axis:]). */
  readonly inner: number;
  readonly epsilon: number;
  readonly x: ViewSpec;
  /** scale / bias as views over the normalized shape, or null. */
  readonly scale: ViewSpec | null;
  readonly bias: ViewSpec | null;
}

export const layerNorm = defineKernel<LayerNormAttrs, LayerNormParams>({
  name: 'layerNorm',
  inputs: [
    { name: 'x', dtypes: FLOATS },
    { name: 'scale', dtypes: FLOATS, optional: true },
    { name: 'bias', dtypes: FLOATS, optional: true },
  ],
  outputs: ['y', 'mean', 'invStdDev'],
  defaults: { axis: -1, epsilon: 1e-5 },
  // Centring subtracts nearly equal values and outputs are O(1) after normalizing: floor 1.
  tolerance: { kind: 'ulp', ulp: 16, floor: 1 },
  infer: ([x, scale, bias], attrs) => {
    const dtype = sameDType('layerNorm', [x, scale, bias]);
    const axis = normalizeAxis(attrs.axis ?? -1, x!.rank, 'layerNorm');
    const epsilon = finiteAttr('layerNorm', 'epsilon', attrs.epsilon);
    if (epsilon < 0) {
      fail({ code: 'ARGUMENT', kernel: 'layerNorm', problem: 'negative epsilon', expected: 'epsilon >= 0', received: String(epsilon) });
    }
    const normShape = x!.shape.slice(axis);
    const inner = sizeOf(normShape);
    if (inner === 0) {
      fail({ code: 'SHAPE', kernel: 'layerNorm', problem: 'nothing to normalize', expected: 'non-empty dims from axis on', received: `${x!.describe()} with axis ${axis}` });
    }
    const statShape = x!.shape.map((d, i) => (i < axis ? d : 1));
    return {
      outputs: [
        { shape: x!.shape, dtype },
        { shape: statShape, dtype },
        { shape: statShape, dtype },
      ],
      params: {
        axis,
        outer: sizeOf(x!.shape.slice(0, axis)),
        inner,
        epsilon,
        x: { shape: x!.shape, strides: x!.strides, offset: x!.offset },
        scale: affineView(scale, normShape, 'scale'),
        bias: affineView(bias, normShape, 'bias'),
      },
    };
  },
  cost: (plan) => {
    const n = plan.params.outer * plan.params.inner;
    return { flops: 8 * n, bytes: 2 * n * dtypeInfo(plan.outputs[0]!.dtype).bytes };
  },
});

function affineView(t: Tensor | undefined, normShape: readonly number[], name: string): ViewSpec | null {
  if (t === undefined) {
    return null;
  }
  const strides = broadcastStrides(t.shape, t.strides, normShape);
  if (strides === null) {
    return fail({ code: 'SHAPE', kernel: 'layerNorm', problem: `${name} does not match the normalized shape`, expected: `a shape that broadcasts to ${formatShape(normShape)}`, received: t.describe() });
  }
  return { shape: normShape, strides, offset: t.offset };
}
