import type { MelWeightMatrixParams } from '../../kernels/melWeightMatrix.js';
import type { WasmImpl } from './context.js';

/** A table made once per call: one thread. */
export const melWeightMatrixWasm: WasmImpl<MelWeightMatrixParams> = {
  supports: (plan) => (plan.outputs[0]!.dtype === 'float32' ? true : 'wasm kernels are float32; a float64 matrix runs on ref'),
  run(ctx, plan, _inputs, [y]) {
    const p = plan.params;
    ctx.pool.call('melWeightMatrix', y!.storage.byteOffset, p.bins, p.numMelBins, p.dftLength, p.sampleRate, p.lowerEdgeHertz, p.upperEdgeHertz);
  },
};
