/**
 * Shared planning of reduceSum / reduceMean / reduceMax / reduceMin (ONNX ReduceSum-13,
 * ReduceMean-18, ReduceMax-18): `axes` (negative allowed, no repeats), or `axis` (one axis or a
 * list, the name numpy users type); empty or absent axes reduce everything unless
 * `noopWithEmptyAxes`, which returns the input unchanged; `keepdims` keeps reduced dims as 1 and
 * defaults to true, as in ONNX (numpy's default is false).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import { normalizeAxis, sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { boolAttr, type Cost, type Plan } from './kernel.js';

export interface ReduceAttrs {
  axes?: readonly number[] | undefined;
  /** numpy's name: one axis or a list; the same as `axes` (give one of the two). */
  axis?: number | readonly number[] | undefined;
  keepdims?: boolean;
  noopWithEmptyAxes?: boolean;
}

export interface ReduceParams {
  /** Per input axis: reduced or not. All false for a no-op. */
  readonly reduced: readonly boolean[];
  /** Elements summed per output (1 for a no-op). */
  readonly count: number;
  readonly x: ViewSpec;
}

export const REDUCE_DEFAULTS: Readonly<ReduceAttrs> = { axes: undefined, axis: undefined, keepdims: true, noopWithEmptyAxes: false };

export function planReduce(kernel: string, x: Tensor, attrs: ReduceAttrs): Plan<ReduceParams> {
  const keepdims = boolAttr(kernel, 'keepdims', attrs.keepdims);
  const noop = boolAttr(kernel, 'noopWithEmptyAxes', attrs.noopWithEmptyAxes);
  const axes = axesOf(kernel, attrs);
  if (!Array.isArray(axes)) {
    fail({ code: 'ARGUMENT', kernel, problem: 'invalid axes', expected: 'an array of integers', received: String(axes) });
  }
  const reduced = new Array<boolean>(x.rank).fill(axes.length === 0 && !noop);
  for (const a of axes) {
    const axis = normalizeAxis(a, x.rank, kernel);
    if (reduced[axis]) {
      fail({ code: 'ARGUMENT', kernel, problem: 'repeated axis', expected: 'each axis at most once', received: `[${axes.join(',')}]` });
    }
    reduced[axis] = true;
  }
  const shape = keepdims ? x.shape.map((d, i) => (reduced[i] ? 1 : d)) : x.shape.filter((_, i) => !reduced[i]);
  const count = sizeOf(x.shape.filter((_, i) => reduced[i]));
  return {
    outputs: [{ shape, dtype: x.dtype }],
    params: { reduced, count, x: { shape: x.shape, strides: x.strides, offset: x.offset } },
  };
}

/** `axes`, or `axis` as a one-element or full list; both given is ambiguous. Throws ARGUMENT. */
function axesOf(kernel: string, attrs: ReduceAttrs): readonly number[] {
  if (attrs.axis === undefined) {
    return attrs.axes ?? [];
  }
  if (attrs.axes !== undefined) {
    return fail({ code: 'ARGUMENT', kernel, problem: 'both axis and axes given', expected: 'one of axis (numpy) or axes (ONNX)', received: `axis ${JSON.stringify(attrs.axis)}, axes ${JSON.stringify(attrs.axes)}` });
  }
  return typeof attrs.axis === 'number' ? [attrs.axis] : attrs.axis;
}

export function reduceCost(plan: Plan<ReduceParams>): Cost {
  const n = sizeOf(plan.params.x.shape);
  return { flops: n, bytes: n * dtypeInfo(plan.outputs[0]!.dtype).bytes };
}
