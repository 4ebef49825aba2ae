import type { TransposeParams } from '../../kernels/transpose.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/** A strided copy of bytes (the permuted view of x into a row-major y), so every dtype runs here. */
export const transposeWasm: WasmImpl<TransposeParams> = {
  supports: (plan) => (space(plan.params.x.shape, [plan.params.x.strides]) === null ? layoutDecline('wasm transpose iterates at most 4 dims after merging; this view has more') : true),
  run(ctx, plan, [x], [y]) {
    const size = dtypeInfo(y!.dtype).bytes;
    launch(ctx, {
      exportName: 'transpose',
      lead: [size],
      shape: plan.params.x.shape,
      inputs: [{ pointer: pointer(x!, plan.params.x), strides: plan.params.x.strides, bytes: size }],
      output: { pointer: y!.storage.byteOffset, bytes: size },
    });
  },
};
