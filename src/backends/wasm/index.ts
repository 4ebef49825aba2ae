/**
 * The wasm backend: AssemblyScript SIMD kernels (assembly/) on all cores through a worker pool,
 * reading and writing the runtime's CPU heap directly (no copies). Kernels without a wasm
 * implementation, and float64 or layouts a kernel cannot walk, are declined with the reason,
 * so the runtime runs them on ref and counts the fallback.
 */
import type { KernelName, ParamsOf } from '../../kernels/index.js';
import type { AnyKernelDef } from '../../kernels/kernel.js';
import type { Backend, BackendFactory } from '../backend.js';
import { addWasm } from './add.js';
import { WasmContext, type WasmImpl } from './context.js';
import { dftWasm } from './dft.js';
import { geluWasm } from './gelu.js';
import { gemmWasm } from './gemm.js';
import { hannWindowWasm } from './hannWindow.js';
import { layerNormWasm } from './layerNorm.js';
import { logSoftmaxImpl } from './logSoftmax.js';
import { matmulWasm } from './matmul.js';
import { melWeightMatrixWasm } from './melWeightMatrix.js';
import { loadModule } from './module.js';
import { mulWasm } from './mul.js';
import { pairwiseDistancesWasm } from './pairwiseDistances.js';
import { lloydWasm } from './lloyd.js';
import { hamerlyWasm } from './hamerly.js';
import { Pool } from './pool.js';
import { reduceMeanWasm } from './reduceMean.js';
import { reduceSumWasm } from './reduceSum.js';
import { reluWasm } from './relu.js';
import { softmaxImpl } from './softmax.js';
import { stftWasm } from './stft.js';
import { transposeWasm } from './transpose.js';

type WasmImpls = { readonly [K in KernelName]?: WasmImpl<ParamsOf<K>> };

const IMPLS: WasmImpls = {
  matmul: matmulWasm,
  gemm: gemmWasm,
  add: addWasm,
  mul: mulWasm,
  relu: reluWasm,
  softmax: softmaxImpl,
  logSoftmax: logSoftmaxImpl,
  layerNorm: layerNormWasm,
  gelu: geluWasm,
  reduceSum: reduceSumWasm,
  reduceMean: reduceMeanWasm,
  transpose: transposeWasm,
  dft: dftWasm,
  stft: stftWasm,
  hannWindow: hannWindowWasm,
  melWeightMatrix: melWeightMatrixWasm,
  pairwiseDistances: pairwiseDistancesWasm,
  lloyd: lloydWasm,
  hamerly: hamerlyWasm,
};

/** Every export the pool may call, by index. */
const EXPORTS = ['add', 'mul', 'binaryInt', 'relu', 'gelu', 'softmaxLines', 'layerNorm', 'reduceLines', 'reduceLinesF64', 'transpose', 'matmul', 'matmulF64', 'dftLines', 'stftFrames', 'fftScratchBytes', 'hannWindow', 'melWeightMatrix', 'distancePack', 'distanceFinish', 'manhattanRows', 'matmulDistance', 'distanceFixList', 'distancePackF64', 'distanceRowsF64', 'lloydPrepare', 'lloydPrepareF64', 'lloydAssign', 'lloydAssignF64', 'lloydCombine'];

function implOf(kernel: AnyKernelDef): WasmImpl<unknown> | undefined {
  return (IMPLS as Record<string, WasmImpl<unknown>>)[kernel.name];
}

export const wasmBackend: BackendFactory = {
  name: 'wasm',
  async create({ threads, heap, parallelThreshold }) {
    const loaded = loadModule();
    const pool = new Pool(loaded.module, heap.memory, threads, EXPORTS);
    const ctx = new WasmContext(pool, heap, parallelThreshold);
    const backend: Backend = {
      name: 'wasm',
      info: { threads, simd: loaded.simd, note: loaded.reason },
      supports(kernel, plan, inputs) {
        const impl = implOf(kernel);
        return impl === undefined ? `wasm has no ${kernel.name} kernel yet` : impl.supports(plan, inputs);
      },
      run(kernel, plan, inputs, outputs) {
        pool.resetUsage();
        implOf(kernel)!.run(ctx, plan, inputs, outputs);
      },
      threadsOfLastRun: () => Math.max(1, pool.threadsUsed),
      close: () => pool.close(),
    };
    return backend;
  },
};
