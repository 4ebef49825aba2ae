import type { HannWindowParams } from '../../kernels/hannWindow.js';
import type { WasmImpl } from './context.js';

/** A table made once per call: one thread. */
export const hannWindowWasm: WasmImpl<HannWindowParams> = {
  supports: (plan) => (plan.outputs[0]!.dtype === 'float32' ? true : 'wasm kernels are float32; a float64 window runs on ref'),
  run(ctx, plan, _inputs, [y]) {
    ctx.pool.call('hannWindow', y!.storage.byteOffset, plan.params.size, plan.params.denominator);
  },
};
