import type { GatherParams } from '../../kernels/gather.js';
import { rowStrides, sizeOf } from '../../tensor/layout.js';
import { copyStrided } from '../../tensor/tensor.js';
import type { KernelImpl } from '../backend.js';

/**
 * The output seen as [...before, m, ...after] (m indices): for each index j, copies x with the
 * axis fixed at indices[j] into the output with that middle dim fixed at j.
 */
export const gatherRef: KernelImpl<GatherParams> = (plan, [x], [y]) => {
  const { axis, indices, x: xv } = plan.params;
  const X = x!.data('gather');
  const Y = y!.data('gather');
  const skip = (_: number, i: number): boolean => i !== axis;
  const shape = xv.shape.filter(skip);
  const strides = xv.strides.filter(skip);
  const outStrides = rowStrides([...xv.shape.slice(0, axis), indices.length, ...xv.shape.slice(axis + 1)]).filter(skip);
  const after = sizeOf(xv.shape.slice(axis + 1));
  indices.forEach((index, j) => {
    copyStrided(X, { shape, strides, offset: xv.offset + index * xv.strides[axis]! }, Y, { shape, strides: outStrides, offset: j * after });
  });
};
