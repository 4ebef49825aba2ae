/**
 * Runtime methods of the shape, indexing and reduction kernels (concat, gather, slice, topK,
 * reduceMax, argMax, ...) and the constructors numpy users reach for (zeros, arange, ...).
 * Kept out of runtime.ts so that file stays small; kernel methods go through `run()`.
 * The shape kernels copy; the Tensor methods of the same names (x.reshape(), x.slice(), ...)
 * are the zero-copy views.
 */
import type { ArgAttrs } from '../kernels/arg.js';
import type { CumSumAttrs } from '../kernels/cumSum.js';
import type { ReduceAttrs } from '../kernels/reduce.js';
import type { SliceAttrs } from '../kernels/slice.js';
import type { TopKAttrs } from '../kernels/topK.js';
import { fail } from '../errors.js';
import { finiteAttr, intAttr } from '../kernels/kernel.js';
import { parseDType, type DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { fillLinspace, fillValue } from './constructors.js';
import { MathRuntime } from './mathOps.js';

export class ShapeRuntime extends MathRuntime {
  /**
   * The largest element over `axes` (or numpy's `axis`; all when absent). `keepdims` defaults to
   * true as in ONNX ReduceMax (numpy's default is false). NaN propagates; an empty set gives -Inf.
   * @example hp.reduceMax(x, { axis: 1, keepdims: false })   // numpy x.max(axis=1)
   * @throws DTYPE, ARGUMENT (axis out of range or repeated)
   */
  reduceMax(x: Tensor, attrs: ReduceAttrs = {}): Tensor {
    return this.run('reduceMax', [x], attrs)[0]!;
  }

  /**
   * The smallest element over `axes` (or `axis`); `keepdims` defaults to true (ONNX).
   * NaN propagates; an empty set gives +Inf.
   * @example hp.reduceMin(x, { axis: -1 })
   * @throws DTYPE, ARGUMENT (axis out of range or repeated)
   */
  reduceMin(x: Tensor, attrs: ReduceAttrs = {}): Tensor {
    return this.run('reduceMin', [x], attrs)[0]!;
  }

  /**
   * int64 index of the largest element along `axis` (default 0), first on ties unless
   * `selectLastIndex`; `keepdims` defaults to true (ONNX ArgMax; numpy's argmax drops the axis).
   * @example hp.argMax(scores, { axis: 1, keepdims: false })   // numpy scores.argmax(axis=1)
   * @throws DTYPE, ARGUMENT (axis out of range), SHAPE (empty axis)
   */
  argMax(x: Tensor, attrs: ArgAttrs = {}): Tensor {
    return this.run('argMax', [x], attrs)[0]!;
  }

  /**
   * int64 index of the smallest element along `axis` (default 0); see argMax.
   * @example hp.argMin(distances, { axis: 1, keepdims: false })
   * @throws DTYPE, ARGUMENT (axis out of range), SHAPE (empty axis)
   */
  argMin(x: Tensor, attrs: ArgAttrs = {}): Tensor {
    return this.run('argMin', [x], attrs)[0]!;
  }

  /**
   * Running sums along `axis` (required for rank > 1), optionally `exclusive` or `reverse`.
   * @example hp.cumSum(hp.tensor([1, 2, 3]))   // [1, 3, 6]
   * @throws DTYPE, ARGUMENT (axis missing or out of range)
   */
  cumSum(x: Tensor, attrs: CumSumAttrs = {}): Tensor {
    return this.run('cumSum', [x], attrs)[0]!;
  }

  /**
   * The k largest (or smallest, `largest: false`) elements along `axis` (default -1), sorted,
   * with their int64 indices; equal values keep the lower index first.
   * @example const { values, indices } = hp.topK(logits, { k: 5 })
   * @throws DTYPE, ARGUMENT (k not in [0, axis length], axis out of range)
   */
  topK(x: Tensor, attrs: TopKAttrs & { k: number }): { values: Tensor; indices: Tensor } {
    const [values, indices] = this.run('topK', [x], attrs);
    return { values: values!, indices: indices! };
  }

  /**
   * The tensors joined along `axis` (default 0), as numpy concatenate.
   * @example hp.concat([a, b], { axis: 1 })
   * @throws DTYPE, SHAPE (dims differ off the axis), ARGUMENT (no tensors, axis out of range)
   */
  concat(tensors: readonly Tensor[], attrs: { axis?: number } = {}): Tensor {
    return this.run('concat', tensors, attrs)[0]!;
  }

  /**
   * The slices of x at `indices` (int32 or int64, negative from the end) along `axis`
   * (default 0), as numpy take.
   * @example hp.gather(embeddings, hp.tensor([3n, 1n]))   // rows 3 and 1
   * @throws DTYPE, ARGUMENT (index or axis out of range)
   */
  gather(x: Tensor, indices: Tensor, attrs: { axis?: number } = {}): Tensor {
    return this.run('gather', [x, indices], attrs)[0]!;
  }

  /**
   * A row-major copy of x broadcast with `shape` (numpy rules both ways); `x.expand(shape)` is the view.
   * @example hp.expand(hp.tensor([1, 2, 3], [3, 1]), [3, 4])   // [3, 4]
   * @throws SHAPE (shapes do not broadcast)
   */
  expand(x: Tensor, shape: readonly number[]): Tensor {
    return this.run('expand', [x], { shape })[0]!;
  }

  /**
   * x repeated `repeats[i]` times along each dim i (one repeat per dim), as numpy tile.
   * @example hp.tile(x, [2, 1])   // [2n, m] from [n, m]
   * @throws ARGUMENT (not one non-negative repeat per dim)
   */
  tile(x: Tensor, repeats: readonly number[]): Tensor {
    return this.run('tile', [x], { repeats })[0]!;
  }

  /**
   * A row-major copy of a strided sub-range, as ONNX Slice (starts, ends, axes, steps; negative
   * bounds from the end, bounds clamped); `x.slice(...)` is the view.
   * @example hp.slice(x, { starts: [0], ends: [-1], axes: [1], steps: [2] })
   * @throws ARGUMENT (lengths differ, step 0, axis out of range or repeated)
   */
  slice(x: Tensor, attrs: SliceAttrs & { starts: readonly number[]; ends: readonly number[] }): Tensor {
    return this.run('slice', [x], attrs)[0]!;
  }

  /**
   * A copy without the size-1 dims `axes` (all of them when absent); `x.squeeze()` is the view.
   * @example hp.squeeze(hp.zeros([1, 3, 1]))   // [3]
   * @throws SHAPE (an axis is not of size 1), ARGUMENT (axis out of range or repeated)
   */
  squeeze(x: Tensor, axes?: readonly number[]): Tensor {
    return this.run('squeeze', [x], { axes })[0]!;
  }

  /**
   * A copy with size-1 dims inserted at `axes` (positions in the result); `x.unsqueeze()` is the view.
   * @example hp.unsqueeze(hp.zeros([3]), [0])   // [1, 3]
   * @throws ARGUMENT (axis out of range or repeated)
   */
  unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
    return this.run('unsqueeze', [x], { axes })[0]!;
  }

  /**
   * A row-major copy with a new shape (ONNX Reshape: one -1 is inferred, 0 copies the input's
   * dim unless `allowzero`); `x.reshape(shape)` is the zero-copy view where strides allow.
   * @example hp.reshape(x, [0, -1])   // [2, 12] from [2, 3, 4]
   * @throws SHAPE (the sizes differ)
   */
  reshape(x: Tensor, shape: readonly number[], attrs: { allowzero?: boolean } = {}): Tensor {
    return this.run('reshape', [x], { shape, ...attrs })[0]!;
  }

  /**
   * A 2-D copy [prod(dims before axis), prod(dims from axis)] (ONNX Flatten, axis default 1);
   * `x.flatten(axis)` is the view.
   * @example hp.flatten(hp.zeros([2, 3, 4]))   // [2, 12]
   * @throws ARGUMENT (axis outside [-rank, rank])
   */
  flatten(x: Tensor, axis = 1): Tensor {
    return this.run('flatten', [x], { axis })[0]!;
  }

  /**
   * A tensor of `shape` filled with `value` (numpy full); dtype float32 unless given (int64 for
   * a bigint value). @example hp.full([2, 3], 7, 'int32')
   * @throws SHAPE (bad shape), DTYPE, ARGUMENT (a value the dtype cannot hold), MEMORY
   */
  full(shape: readonly number[], value: number | bigint, dtype?: DType): Tensor {
    const type = dtype === undefined ? (typeof value === 'bigint' ? 'int64' : 'float32') : parseDType(dtype, 'runtime.full');
    const v = fillValue(value, type, 'runtime.full');
    const t = this.empty(shape, type, { zero: false });
    (t.data('runtime.full') as { fill(v: number | bigint): unknown }).fill(v);
    return t;
  }

  /** A tensor of ones (numpy ones), float32 unless given. @example hp.ones([3], 'int64') @throws SHAPE, DTYPE, MEMORY */
  ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return this.full(shape, 1, dtype);
  }

  /**
   * numpy arange: start, start + step, ... excluding stop; `arange(n)` is 0 .. n-1. There are
   * ceil((stop - start) / step) values filled as numpy fills them, so arange(0, 1, 0.1) has 10
   * values and arange(1, 1.3, 0.1) 4, as in numpy. float32 unless `dtype` is given.
   * @example hp.arange(5)   // [0, 1, 2, 3, 4]
   * @example hp.arange(1, 2, 0.25, 'float64')   // [1, 1.25, 1.5, 1.75]
   * @throws ARGUMENT (step 0, non-finite bounds, non-integers for an integer dtype), DTYPE
   */
  arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
    const [from, to] = stop === undefined ? [0, start] : [start, stop];
    return this.run('range', [], { start: from, limit: to, delta: step, dtype })[0]!;
  }

  /**
   * numpy linspace: `num` (default 50) evenly spaced values from start to stop, stop included
   * unless `endpoint: false`. float32 unless `dtype` is given.
   * @example hp.linspace(0, 1, 5)   // [0, 0.25, 0.5, 0.75, 1]
   * @throws ARGUMENT (num not a non-negative integer, non-finite bounds), DTYPE (unknown dtype)
   */
  linspace(start: number, stop: number, num = 50, options: { endpoint?: boolean; dtype?: DType } = {}): Tensor {
    const from = finiteAttr('runtime.linspace', 'start', start);
    const to = finiteAttr('runtime.linspace', 'stop', stop);
    const count = intAttr('runtime.linspace', 'num', num, 0);
    const endpoint = options.endpoint ?? true;
    if (typeof endpoint !== 'boolean') {
      fail({ code: 'ARGUMENT', kernel: 'runtime.linspace', problem: 'invalid endpoint', expected: 'true or false', received: String(endpoint) });
    }
    const dtype = parseDType(options.dtype ?? 'float32', 'runtime.linspace');
    const t = this.empty([count], dtype, { zero: false });
    fillLinspace(t.data('runtime.linspace'), from, to, endpoint);
    return t;
  }
}
