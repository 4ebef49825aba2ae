/**
 * Stride helpers for the wasm kernels: byte pointers into the heap, dim merging so most views
 * fit the kernels' 4-d (or 3-d outer) iteration, and row splits across threads (elementwise.ts
 * also cuts one long row into blocks).
 */
import { dtypeInfo } from '../../tensor/dtype.js';
import type { Tensor, ViewSpec } from '../../tensor/tensor.js';

/** Byte offset in the heap of element `view.offset` of the tensor's storage. */
export function pointer(t: Tensor, view: ViewSpec): number {
  return t.storage.byteOffset + view.offset * dtypeInfo(t.dtype).bytes;
}

export interface Merged {
  readonly shape: number[];
  /** One stride list per operand, same length as shape. */
  readonly strides: number[][];
}

/**
 * Drops size-1 dims and merges neighbours that every operand walks contiguously
 * (stride[i] == stride[i+1] * shape[i+1]), so [64,32] row-major becomes [2048].
 */
export function mergeDims(shape: readonly number[], strides: readonly (readonly number[])[]): Merged {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  shape.forEach((d, i) => {
    if (d === 1) {
      return;
    }
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, v) => outStrides[v]![last] === s[i]! * d);
    if (mergeable) {
      outShape[last] = outShape[last]! * d;
      strides.forEach((s, v) => {
        outStrides[v]![last] = s[i]!;
      });
    } else {
      outShape.push(d);
      strides.forEach((s, v) => outStrides[v]!.push(s[i]!));
    }
  });
  return { shape: outShape, strides: outStrides };
}

/** Left-pads a merged space to `rank` dims (size 1, stride 0); null when it has more. */
export function padTo(merged: Merged, rank: number): Merged | null {
  const extra = rank - merged.shape.length;
  if (extra < 0) {
    return null;
  }
  return {
    shape: [...new Array<number>(extra).fill(1), ...merged.shape],
    strides: merged.strides.map((s) => [...new Array<number>(extra).fill(0), ...s]),
  };
}

/** Thread t's share [start, end) of `rows`, in multiples of `align`; null when empty. */
export function rowRange(rows: number, threads: number, t: number, align = 1): [number, number] | null {
  const blocks = Math.ceil(rows / align);
  const per = Math.ceil(blocks / threads);
  const start = Math.min(rows, t * per * align);
  const end = Math.min(rows, (t + 1) * per * align);
  return start < end ? [start, end] : null;
}
