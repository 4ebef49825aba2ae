/**
 * gather(x, indices, { axis = 0 }): the slices of x at `indices` along `axis`, as ONNX Gather-13
 * (numpy take with an axis): shape x.shape[:axis] + indices.shape + x.shape[axis+1:]. Negative
 * indices count from the end. Any dtype for x; int32 or int64 indices.
 * Throws DTYPE, ARGUMENT (an index out of range, axis out of range).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { normalizeAxis, sizeOf } from '../tensor/layout.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { defineKernel } from './kernel.js';
import { COPYABLE, viewOf } from './view.js';

export interface GatherAttrs {
  axis?: number;
}

export interface GatherParams {
  readonly axis: number;
  /** The indices in row-major order, each in [0, x.shape[axis]). */
  readonly indices: readonly number[];
  readonly x: ViewSpec;
}

export const gather = defineKernel<GatherAttrs, GatherParams>({
  name: 'gather',
  inputs: [
    { name: 'x', dtypes: COPYABLE },
    { name: 'indices', dtypes: ['int32', 'int64'] },
  ],
  outputs: ['y'],
  defaults: { axis: 0 },
  tolerance: { kind: 'exact' },
  infer: ([x, idx], attrs) => {
    const axis = normalizeAxis(attrs.axis as number, x!.rank, 'gather');
    const d = x!.shape[axis]!;
    const indices = Array.from(idx!.toArray() as ArrayLike<number | bigint>, (raw, i) => {
      const v = Number(raw);
      if (v < -d || v >= d) {
        fail({ code: 'ARGUMENT', kernel: 'gather', problem: `index ${i} of ${idx!.describe()} is out of range for axis ${axis} of ${x!.describe()}`, expected: `an integer in [${-d}, ${d - 1}]`, received: String(raw) });
      }
      return v < 0 ? v + d : v;
    });
    const shape = [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)];
    return { outputs: [{ shape, dtype: x!.dtype }], params: { axis, indices, x: viewOf(x!) } };
  },
  cost: (plan) => ({ flops: 0, bytes: 2 * sizeOf(plan.outputs[0]!.shape) * dtypeInfo(plan.outputs[0]!.dtype).bytes }),
});
