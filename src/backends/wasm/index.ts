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
import { SIGNATURES, type Signature } from './signatures.js';
import { reduceMeanWasm } from './reduceMean.js';
import { reduceSumWasm } from './reduceSum.js';
import { reluWasm } from './relu.js';
import { softmaxImpl } from './softmax.js';
import { stftWasm } from './stft.js';
import { fbankWasm } from './fbank.js';
import { transposeWasm } from './transpose.js';
import { expandWasm } from './expand.js';
import { tileWasm } from './tile.js';
import { sliceWasm } from './slice.js';
import { squeezeWasm } from './squeeze.js';
import { unsqueezeWasm } from './unsqueeze.js';
import { reshapeWasm } from './reshape.js';
import { flattenWasm } from './flatten.js';
import { reduceMaxWasm } from './reduceMax.js';
import { reduceMinWasm } from './reduceMin.js';
import { argMaxWasm } from './argMax.js';
import { argMinWasm } from './argMin.js';
import { concatWasm } from './concat.js';
import { gatherWasm } from './gather.js';
import { cumSumWasm } from './cumSum.js';
import { rangeWasm } from './range.js';
import { topKWasm } from './topK.js';
import { equalWasm } from './equal.js';
import { lessWasm } from './less.js';
import { greaterWasm } from './greater.js';
import { andWasm } from './and.js';
import { orWasm } from './or.js';
import { notWasm } from './not.js';
import { whereWasm } from './where.js';
import { castWasm } from './cast.js';
import { subWasm } from './sub.js';
import { divWasm } from './div.js';
import { maxWasm } from './max.js';
import { minWasm } from './min.js';
import { powWasm } from './pow.js';
import { negWasm } from './neg.js';
import { absWasm } from './abs.js';
import { sqrtWasm } from './sqrt.js';
import { reciprocalWasm } from './reciprocal.js';
import { floorWasm } from './floor.js';
import { ceilWasm } from './ceil.js';
import { roundWasm } from './round.js';
import { signWasm } from './sign.js';
import { expWasm } from './exp.js';
import { logWasm } from './log.js';
import { tanhWasm } from './tanh.js';
import { sigmoidWasm } from './sigmoid.js';
import { sinWasm } from './sin.js';
import { cosWasm } from './cos.js';
import { softplusWasm } from './softplus.js';
import { erfWasm } from './erf.js';
import { leakyReluWasm } from './leakyRelu.js';
import { eluWasm } from './elu.js';
import { seluWasm } from './selu.js';
import { hardSigmoidWasm } from './hardSigmoid.js';
import { clipWasm } from './clip.js';
import { userWasm } from './user.js';

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
  fbank: fbankWasm,
  hannWindow: hannWindowWasm,
  melWeightMatrix: melWeightMatrixWasm,
  pairwiseDistances: pairwiseDistancesWasm,
  lloyd: lloydWasm,
  hamerly: hamerlyWasm,
  equal: equalWasm,
  less: lessWasm,
  greater: greaterWasm,
  and: andWasm,
  or: orWasm,
  not: notWasm,
  where: whereWasm,
  cast: castWasm,
  sub: subWasm,
  div: divWasm,
  max: maxWasm,
  min: minWasm,
  pow: powWasm,
  neg: negWasm,
  abs: absWasm,
  sqrt: sqrtWasm,
  reciprocal: reciprocalWasm,
  floor: floorWasm,
  ceil: ceilWasm,
  round: roundWasm,
  sign: signWasm,
  exp: expWasm,
  log: logWasm,
  tanh: tanhWasm,
  sigmoid: sigmoidWasm,
  sin: sinWasm,
  cos: cosWasm,
  softplus: softplusWasm,
  erf: erfWasm,
  leakyRelu: leakyReluWasm,
  elu: eluWasm,
  selu: seluWasm,
  hardSigmoid: hardSigmoidWasm,
  clip: clipWasm,
  expand: expandWasm,
  tile: tileWasm,
  slice: sliceWasm,
  squeeze: squeezeWasm,
  unsqueeze: unsqueezeWasm,
  reshape: reshapeWasm,
  flatten: flattenWasm,
  reduceMax: reduceMaxWasm,
  reduceMin: reduceMinWasm,
  argMax: argMaxWasm,
  argMin: argMinWasm,
  concat: concatWasm,
  gather: gatherWasm,
  cumSum: cumSumWasm,
  range: rangeWasm,
  topK: topKWasm,
};

/** The built-in implementation, else the one the definition carries (a user kernel's module). */
function implOf(kernel: AnyKernelDef): WasmImpl<unknown> | undefined {
  // Own keys only: a user kernel may be called 'constructor' or 'toString'.
  if (Object.hasOwn(IMPLS, kernel.name)) {
    return (IMPLS as Record<string, WasmImpl<unknown>>)[kernel.name];
  }
  return userWasm(kernel.implementations?.['wasm']) as WasmImpl<unknown> | undefined;
}

/**
 * The wasm backend over a table of declared export signatures (tests pass a wrong one to see
 * it refused at load).
 * @example createRuntime({ backends: ['ref', wasmBackendWith(SIGNATURES)] })
 */
export function wasmBackendWith(signatures: readonly Signature[]): BackendFactory {
  return {
    name: 'wasm',
    async create({ threads, threadsNote, heap, parallelThreshold }) {
      const loaded = loadModule(signatures);
      const pool = new Pool(loaded.module, heap.memory, threads, signatures);
      const ctx = new WasmContext(pool, heap, parallelThreshold);
      const backend: Backend = {
        name: 'wasm',
        info: { threads, simd: loaded.simd, note: threadsNote === undefined ? loaded.reason : `${loaded.reason}; ${threadsNote}` },
        supports(kernel, plan, inputs) {
          const impl = implOf(kernel);
          return impl === undefined ? `wasm has no ${kernel.name} kernel yet` : impl.supports(plan, inputs);
        },
        run(kernel, plan, inputs, outputs) {
          pool.resetUsage();
          implOf(kernel)!.run(ctx, plan, inputs, outputs);
        },
        prepare(kernel) {
        implOf(kernel)?.prepare?.(ctx);
      },
      threadsOfLastRun: () => Math.max(1, pool.threadsUsed),
        timeThreads: (on) => {
          pool.timing = on;
        },
        threadSpansOfLastRun: () => pool.sharesOfLastRun(),
        close: () => pool.close(),
      };
      return backend;
    },
  };
}

export const wasmBackend: BackendFactory = wasmBackendWith(SIGNATURES);
