/**
 * matmul(a, b): numpy matmul semantics. A 1-D `a` is promoted to [1, k] and a 1-D `b` to
 * [k, 1], and the promoted dim is removed from the result; batch dims broadcast.
 * Float dtypes, both the same. Throws SHAPE (rank 0, k mismatch, batch dims that do not
 * broadcast), DTYPE.
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { broadcastShapes, rowStrides, sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { defineKernel, FLOATS, sameDType } from './kernel.js';

export type MatmulAttrs = Record<string, never>;

export interface MatmulParams {
  readonly batch: readonly number[];
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** a as [...batch, m, k] with broadcast (stride 0) batch dims. */
  readonly a: ViewSpec;
  /** b as [...batch, k, n]. */
  readonly b: ViewSpec;
  /** The output as [...batch, m, n], row-major. */
  readonly out: ViewSpec;
}

export const matmul = defineKernel<MatmulAttrs, MatmulParams>({
  name: 'matmul',
  inputs: [
    { name: 'a', dtypes: FLOATS },
    { name: 'b', dtypes: FLOATS },
  ],
  outputs: ['c'],
  defaults: {},
  tolerance: { kind: 'accumulated', factor: 2 },
  infer: ([a, b]) => {
    const dtype = sameDType('matmul', [a, b]);
    for (const t of [a!, b!]) {
      if (t.rank === 0) {
        fail({ code: 'SHAPE', kernel: 'matmul', problem: 'a scalar operand', expected: 'rank >= 1', received: t.describe(), hint: 'use mul for scalar products' });
      }
    }
    const pa = promote(a!, 'a');
    const pb = promote(b!, 'b');
    const k = pa.shape[pa.shape.length - 1]!;
    const kb = pb.shape[pb.shape.length - 2]!;
    if (k !== kb) {
      fail({ code: 'SHAPE', kernel: 'matmul', problem: 'inner dimensions differ', expected: `b's dim -2 (or only dim) to equal a's last dim ${k}`, received: `${a!.describe()} @ ${b!.describe()}` });
    }
    const batch = broadcastShapes(pa.shape.slice(0, -2), pb.shape.slice(0, -2));
    if (batch === null) {
      return fail({ code: 'SHAPE', kernel: 'matmul', problem: 'batch dimensions do not broadcast', expected: 'equal batch dims or 1', received: `${a!.describe()} @ ${b!.describe()}` });
    }
    const m = pa.shape[pa.shape.length - 2]!;
    const n = pb.shape[pb.shape.length - 1]!;
    const shape = [...batch, ...(a!.rank === 1 ? [] : [m]), ...(b!.rank === 1 ? [] : [n])];
    const outShape = [...batch, m, n];
    return {
      outputs: [{ shape, dtype }],
      params: { batch, m, n, k, a: batchView(pa, batch), b: batchView(pb, batch), out: { shape: outShape, strides: rowStrides(outShape), offset: 0 } },
    };
  },
  cost: (plan) => {
    const { batch, m, n, k } = plan.params;
    const bytes = dtypeInfo(plan.outputs[0]!.dtype).bytes;
    return { flops: 2 * sizeOf(batch) * m * n * k, bytes: bytes * sizeOf(batch) * (m * k + k * n + m * n) };
  },
  depth: (plan) => plan.params.k,
});

/** The operand as a matrix (or batch of them): 1-D a -> [1, k], 1-D b -> [k, 1]. */
function promote(t: Tensor, which: 'a' | 'b'): ViewSpec {
  if (t.rank > 1) {
    return { shape: t.shape, strides: t.strides, offset: t.offset };
  }
  const d = t.shape[0]!;
  const s = t.strides[0]!;
  return which === 'a' ? { shape: [1, d], strides: [0, s], offset: t.offset } : { shape: [d, 1], strides: [s, 0], offset: t.offset };
}

/** Left-pads batch dims with stride 0 and zeroes the strides of size-1 batch dims. */
function batchView(v: ViewSpec, batch: readonly number[]): ViewSpec {
  const own = v.shape.length - 2;
  const lead = batch.length - own;
  const strides = batch.map((d, i) => (i < lead || v.shape[i - lead] !== d ? 0 : v.strides[i - lead]!));
  return { shape: [...batch, ...v.shape.slice(-2)], strides: [...strides, ...v.strides.slice(-2)], offset: v.offset };
}
