import type { WhereParams } from '../../kernels/where.js';
import { outputView } from '../../kernels/broadcast.js';
import { forEachRow, lastStride, rowLength } from '../../tensor/layout.js';
import type { KernelImpl } from '../backend.js';

/** z = cond ? x : y, walking all four views together (x, y and z share a dtype). */
export const whereRef: KernelImpl<WhereParams> = (plan, [cond, x, y], [z]) => {
  const { shape, cond: cv, x: xv, y: yv } = plan.params;
  const C = cond!.data('where');
  const X = x!.data('where');
  const Y = y!.data('where');
  const Z = z!.data('where');
  const zv = outputView(shape);
  const n = rowLength(shape);
  const [cs, xs, ys, zs] = [cv, xv, yv, zv].map((v) => lastStride(v.strides)) as [number, number, number, number];
  forEachRow(shape, [cv.strides, xv.strides, yv.strides, zv.strides], [cv.offset, xv.offset, yv.offset, zv.offset], ([co, xo, yo, zo]) => {
    for (let j = 0; j < n; j++) {
      Z[zo! + j * zs] = (C[co! + j * cs] !== 0 ? X[xo! + j * xs]! : Y[yo! + j * ys]!) as never;
    }
  });
};
