import type { WhereParams } from '../../kernels/where.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/**
 * where on wasm for 4- and 8-byte elements (float32/64, int32/64, uint32/64: a select copies
 * bits): float32-sized contiguous rows select whole vectors. 1- and 2-byte dtypes run on ref.
 */
export const whereWasm: WasmImpl<WhereParams> = {
  supports(plan) {
    const bytes = dtypeInfo(plan.outputs[0]!.dtype).bytes;
    if (bytes !== 4 && bytes !== 8) {
      return `wasm where selects 4- and 8-byte elements; ${plan.outputs[0]!.dtype} runs on ref`;
    }
    const { shape, cond, x, y } = plan.params;
    return space(shape, [cond.strides, x.strides, y.strides]) === null ? layoutDecline('wasm where iterates at most 4 dims after merging; this view has more') : true;
  },
  run(ctx, plan, [cond, x, y], [z]) {
    const bytes = dtypeInfo(z!.dtype).bytes;
    const p = plan.params;
    launch(ctx, {
      exportName: 'where',
      lead: [bytes],
      shape: p.shape,
      inputs: [
        { pointer: pointer(cond!, p.cond), strides: p.cond.strides, bytes: 1 },
        { pointer: pointer(x!, p.x), strides: p.x.strides, bytes },
        { pointer: pointer(y!, p.y), strides: p.y.strides, bytes },
      ],
      output: { pointer: z!.storage.byteOffset, bytes },
    });
  },
};
