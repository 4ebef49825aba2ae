import type { KernelImpl } from '../backend.js';
import type { UnaryParams } from '../../kernels/relu.js';
import { forEachRow, lastStride, rowLength } from '../../tensor/layout.js';
import { unaryRef } from './unary.js';

export const reluRef: KernelImpl<UnaryParams> = (plan, inputs, outputs) => {
  if (outputs[0]!.dtype === 'int64') {
    reluBig(plan.params, inputs[0]!.data('relu') as BigInt64Array, outputs[0]!.data('relu') as BigInt64Array);
    return;
  }
  // `v > 0 ? v : 0` keeps NaN as NaN would fail (NaN > 0 is false); test NaN explicitly.
  unaryRef('relu', plan, inputs, outputs, (v) => (v > 0 || Number.isNaN(v) ? v : 0));
};

function reluBig(params: UnaryParams, X: BigInt64Array, Y: BigInt64Array): void {
  const n = rowLength(params.shape);
  const xs = lastStride(params.x.strides);
  const ys = lastStride(params.y.strides);
  forEachRow(params.shape, [params.x.strides, params.y.strides], [params.x.offset, params.y.offset], ([xo, yo]) => {
    for (let j = 0; j < n; j++) {
      const v = X[xo! + j * xs]!;
      Y[yo! + j * ys] = v > 0n ? v : 0n;
    }
  });
}
