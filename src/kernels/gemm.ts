/**
 * gemm(a, b, c?, { alpha, beta, transA, transB }): Y = alpha * op(A) * op(B) + beta * C, as
 * ONNX Gemm. A and B are 2-D; op transposes when transA / transB. C is optional and broadcasts
 * one way to [M, N] (scalar, [N], [1, N], [M, 1], [M, N]). As in BLAS, beta = 0 means C is
 * not read. Throws SHAPE, DTYPE, ARGUMENT.
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { broadcastStrides, formatShape } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { boolAttr, defineKernel, finiteAttr, FLOATS, sameDType } from './kernel.js';

export interface GemmAttrs {
  alpha?: number;
  beta?: number;
  transA?: boolean;
  transB?: boolean;
}

export interface GemmParams {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly alpha: number;
  readonly beta: number;
  /** op(A) as [M, K]. */
  readonly a: ViewSpec;
  /** op(B) as [K, N]. */
  readonly b: ViewSpec;
  /** C broadcast to [M, N]; null when absent or beta = 0. */
  readonly c: ViewSpec | null;
}

export const gemm = defineKernel<GemmAttrs, GemmParams>({
  name: 'gemm',
  inputs: [
    { name: 'a', dtypes: FLOATS },
    { name: 'b', dtypes: FLOATS },
    { name: 'c', dtypes: FLOATS, optional: true },
  ],
  outputs: ['y'],
  defaults: { alpha: 1, beta: 1, transA: false, transB: false },
  tolerance: { kind: 'accumulated', factor: 2 },
  infer: ([a, b, c], attrs) => {
    const dtype = sameDType('gemm', [a, b, c]);
    const alpha = finiteAttr('gemm', 'alpha', attrs.alpha);
    const beta = finiteAttr('gemm', 'beta', attrs.beta);
    const opA = matrix(a!, boolAttr('gemm', 'transA', attrs.transA), 'a');
    const opB = matrix(b!, boolAttr('gemm', 'transB', attrs.transB), 'b');
    const [m, k] = opA.shape as [number, number];
    const [kb, n] = opB.shape as [number, number];
    if (k !== kb) {
      fail({ code: 'SHAPE', kernel: 'gemm', problem: 'inner dimensions differ', expected: `op(b) with ${k} rows`, received: `op(a) ${formatShape(opA.shape)}, op(b) ${formatShape(opB.shape)}`, hint: 'check transA / transB' });
    }
    let cView: ViewSpec | null = null;
    if (c !== undefined) {
      const strides = c.rank <= 2 ? broadcastStrides(c.shape, c.strides, [m, n]) : null;
      if (strides === null) {
        fail({ code: 'SHAPE', kernel: 'gemm', problem: 'c does not broadcast to the result', expected: `a shape that broadcasts to [${m},${n}]`, received: c.describe() });
      }
      // As in BLAS, beta = 0 means C is not read (NaN in C does not reach the result).
      cView = beta === 0 ? null : { shape: [m, n], strides: strides!, offset: c.offset };
    }
    return { outputs: [{ shape: [m, n], dtype }], params: { m, n, k, alpha, beta, a: opA, b: opB, c: cView } };
  },
  cost: (plan) => {
    const { m, n, k } = plan.params;
    return { flops: 2 * m * n * k + 2 * m * n, bytes: dtypeInfo(plan.outputs[0]!.dtype).bytes * (m * k + k * n + 2 * m * n) };
  },
  depth: (plan) => plan.params.k + 1,
  // A backend forms op(A) op(B) in the output dtype before scaling it by alpha: its magnitude is
  // that of the product itself when |alpha| < 1 (a float32 product that overflows stays
  // Infinity, or NaN for alpha 0, whatever alpha brings it back to).
  magnitudeAttrs: (attrs) => ({ ...attrs, alpha: Math.max(Math.abs(attrs.alpha ?? 1), 1), beta: Math.abs(attrs.beta ?? 1) }),
});

function matrix(t: Tensor, trans: boolean, name: string): ViewSpec {
  if (t.rank !== 2) {
    fail({ code: 'SHAPE', kernel: 'gemm', problem: `${name} is not a matrix`, expected: 'rank 2', received: t.describe(), hint: 'use matmul for batched or 1-D operands' });
  }
  const [r, c] = t.shape as [number, number];
  const [sr, sc] = t.strides as [number, number];
  return trans ? { shape: [c, r], strides: [sc, sr], offset: t.offset } : { shape: [r, c], strides: [sr, sc], offset: t.offset };
}
