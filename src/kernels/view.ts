/**
 * Shared declaration of the copy kernels that are views in the API (reshape, squeeze,
 * unsqueeze, flatten, slice, expand, tile): infer() resolves a view of x whose row-major walk
 * is the output, and every backend copies that view into a fresh row-major tensor. For the
 * zero-copy form use the Tensor methods of the same names.
 */
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { ANY, defineKernel, type KernelDef } from './kernel.js';

export interface ViewParams {
  /** A view of x (strides may be 0 or negative) whose row-major walk is the output. */
  readonly x: ViewSpec;
}

/** The output shape and the view of x that fills it. */
export interface ResolvedView {
  readonly shape: readonly number[];
  readonly x: ViewSpec;
}

/** The dtypes every copy kernel carries (bool included): bytes are copied, never converted. */
export const COPYABLE: readonly DType[] = ANY;

export function viewOf(x: Tensor): ViewSpec {
  return { shape: x.shape, strides: x.strides, offset: x.offset };
}

export function defineViewKernel<A extends object>(name: string, defaults: Readonly<A>, resolve: (x: Tensor, attrs: A) => ResolvedView): KernelDef<A, ViewParams> {
  return defineKernel<A, ViewParams>({
    name,
    inputs: [{ name: 'x', dtypes: COPYABLE }],
    outputs: ['y'],
    defaults,
    // A copy: the same bits on every backend.
    tolerance: { kind: 'exact' },
    infer: ([x], attrs) => {
      const { shape, x: view } = resolve(x!, attrs);
      return { outputs: [{ shape, dtype: x!.dtype }], params: { x: view } };
    },
    cost: (plan) => ({ flops: 0, bytes: 2 * sizeOf(plan.outputs[0]!.shape) * dtypeInfo(plan.outputs[0]!.dtype).bytes }),
  });
}
