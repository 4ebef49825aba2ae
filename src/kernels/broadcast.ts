/**
 * Shared planning for numpy-broadcasting binary kernels (add, mul): the output shape and a
 * broadcast view (stride 0 on stretched dims) of each input.
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, formatShape, rowStrides, sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { defineKernel, NUMERIC, sameDType, type Cost, type KernelDef, type Plan } from './kernel.js';

export interface BinaryParams {
  readonly shape: readonly number[];
  readonly a: ViewSpec;
  readonly b: ViewSpec;
}

export function planBinary(kernel: string, a: Tensor, b: Tensor): Plan<BinaryParams> {
  const dtype = sameDType(kernel, [a, b]);
  const shape = broadcastShapes(a.shape, b.shape);
  if (shape === null) {
    return fail({
      code: 'SHAPE',
      kernel,
      problem: 'shapes do not broadcast',
      expected: 'equal dims or 1 in each trailing position',
      received: `${a.describe()} and ${b.describe()}`,
      hint: 'numpy broadcasting rules apply; reshape one operand so that dims line up from the right',
    });
  }
  return {
    outputs: [{ shape, dtype }],
    params: { shape, a: broadcastView(a, shape), b: broadcastView(b, shape) },
  };
}

export function broadcastView(t: Tensor, shape: readonly number[]): ViewSpec {
  const strides = broadcastStrides(t.shape, t.strides, shape);
  if (strides === null) {
    throw new Error(`internal: ${formatShape(t.shape)} does not broadcast to ${formatShape(shape)}`);
  }
  return { shape, strides, offset: t.offset };
}

export function elementwiseCost(plan: Plan<{ shape: readonly number[] }>, inputs: number, bytesPerElement: number): Cost {
  const n = sizeOf(plan.params.shape);
  return { flops: n, bytes: n * (inputs + 1) * bytesPerElement };
}

/** The row-major view of a freshly allocated output of this shape. */
export function outputView(shape: readonly number[]): ViewSpec {
  return { shape, strides: rowStrides(shape), offset: 0 };
}

/** Declares an elementwise binary kernel over every numeric dtype (add, mul). */
export function defineBinary(name: string): KernelDef<Record<string, never>, BinaryParams> {
  return defineKernel<Record<string, never>, BinaryParams>({
    name,
    inputs: [
      { name: 'a', dtypes: NUMERIC },
      { name: 'b', dtypes: NUMERIC },
    ],
    outputs: ['c'],
    defaults: {},
    // One rounding of an exact result: a correct float answer is the same bits everywhere.
    tolerance: { kind: 'exact' },
    infer: ([a, b]) => planBinary(name, a!, b!),
    cost: (plan) => elementwiseCost(plan, 2, dtypeInfo(plan.outputs[0]!.dtype).bytes),
  });
}
