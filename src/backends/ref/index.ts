/**
 * The reference backend: plain TypeScript loops over any strides. It is the living spec and the
 * oracle every other backend is compared with, so it is written to be read, not to be fast.
 * It implements every kernel; the type below makes a missing one a compile error.
 */
import type { KernelName, ParamsOf } from '../../kernels/index.js';
import type { AnyKernelDef } from '../../kernels/kernel.js';
import type { Backend, BackendFactory, KernelImpl } from '../backend.js';
import { addRef } from './add.js';
import { matmulRef } from './matmul.js';
import { gemmRef } from './gemm.js';
import { softmaxRef } from './softmax.js';
import { logSoftmaxRef } from './logSoftmax.js';
import { layerNormRef } from './layerNorm.js';
import { reduceSumRef } from './reduceSum.js';
import { reduceMeanRef } from './reduceMean.js';
import { transposeRef } from './transpose.js';
import { geluRef } from './gelu.js';
import { hannWindowRef } from './hannWindow.js';
import { dftRef } from './dft.js';
import { stftRef } from './stft.js';
import { fbankRef } from './fbank.js';
import { melWeightMatrixRef } from './melWeightMatrix.js';
import { mulRef } from './mul.js';
import { reluRef } from './relu.js';
import { pairwiseDistancesRef } from './pairwiseDistances.js';
import { lloydRef } from './lloyd.js';
import { hamerlyRef } from './hamerly.js';
import { subRef } from './sub.js';
import { divRef } from './div.js';
import { powRef } from './pow.js';
import { maxRef } from './max.js';
import { minRef } from './min.js';
import { negRef } from './neg.js';
import { absRef } from './abs.js';
import { expRef } from './exp.js';
import { logRef } from './log.js';
import { sqrtRef } from './sqrt.js';
import { reciprocalRef } from './reciprocal.js';
import { tanhRef } from './tanh.js';
import { sigmoidRef } from './sigmoid.js';
import { erfRef } from './erf.js';
import { sinRef } from './sin.js';
import { cosRef } from './cos.js';
import { floorRef } from './floor.js';
import { ceilRef } from './ceil.js';
import { roundRef } from './round.js';
import { signRef } from './sign.js';
import { softplusRef } from './softplus.js';
import { leakyReluRef } from './leakyRelu.js';
import { eluRef } from './elu.js';
import { seluRef } from './selu.js';
import { hardSigmoidRef } from './hardSigmoid.js';
import { clipRef } from './clip.js';
import { whereRef } from './where.js';
import { equalRef } from './equal.js';
import { lessRef } from './less.js';
import { greaterRef } from './greater.js';
import { notRef } from './not.js';
import { andRef } from './and.js';
import { orRef } from './or.js';
import { castRef } from './cast.js';
import { reduceMaxRef } from './reduceMax.js';
import { reduceMinRef } from './reduceMin.js';
import { argMaxRef } from './argMax.js';
import { argMinRef } from './argMin.js';
import { cumSumRef } from './cumSum.js';
import { topKRef } from './topK.js';
import { concatRef } from './concat.js';
import { gatherRef } from './gather.js';
import { rangeRef } from './range.js';
import { expandRef } from './expand.js';
import { tileRef } from './tile.js';
import { sliceRef } from './slice.js';
import { squeezeRef } from './squeeze.js';
import { unsqueezeRef } from './unsqueeze.js';
import { reshapeRef } from './reshape.js';
import { flattenRef } from './flatten.js';

type RefImpls = { readonly [K in KernelName]: KernelImpl<ParamsOf<K>> };

const IMPLS: RefImpls = {
  matmul: matmulRef,
  gemm: gemmRef,
  softmax: softmaxRef,
  logSoftmax: logSoftmaxRef,
  layerNorm: layerNormRef,
  reduceSum: reduceSumRef,
  reduceMean: reduceMeanRef,
  transpose: transposeRef,
  add: addRef,
  mul: mulRef,
  relu: reluRef,
  gelu: geluRef,
  hannWindow: hannWindowRef,
  dft: dftRef,
  stft: stftRef,
  fbank: fbankRef,
  melWeightMatrix: melWeightMatrixRef,
  pairwiseDistances: pairwiseDistancesRef,
  lloyd: lloydRef,
  hamerly: hamerlyRef,
  sub: subRef,
  div: divRef,
  pow: powRef,
  max: maxRef,
  min: minRef,
  neg: negRef,
  abs: absRef,
  exp: expRef,
  log: logRef,
  sqrt: sqrtRef,
  reciprocal: reciprocalRef,
  tanh: tanhRef,
  sigmoid: sigmoidRef,
  erf: erfRef,
  sin: sinRef,
  cos: cosRef,
  floor: floorRef,
  ceil: ceilRef,
  round: roundRef,
  sign: signRef,
  softplus: softplusRef,
  leakyRelu: leakyReluRef,
  elu: eluRef,
  selu: seluRef,
  hardSigmoid: hardSigmoidRef,
  clip: clipRef,
  where: whereRef,
  equal: equalRef,
  less: lessRef,
  greater: greaterRef,
  not: notRef,
  and: andRef,
  or: orRef,
  cast: castRef,
  reduceMax: reduceMaxRef,
  reduceMin: reduceMinRef,
  argMax: argMaxRef,
  argMin: argMinRef,
  cumSum: cumSumRef,
  topK: topKRef,
  concat: concatRef,
  gather: gatherRef,
  range: rangeRef,
  expand: expandRef,
  tile: tileRef,
  slice: sliceRef,
  squeeze: squeezeRef,
  unsqueeze: unsqueezeRef,
  reshape: reshapeRef,
  flatten: flattenRef,
};

/** The built-in implementation, else the one the definition carries (a user kernel's function). */
function implOf(kernel: AnyKernelDef): KernelImpl<unknown> | undefined {
  // Own keys only: a user kernel may be called 'constructor' or 'toString'.
  if (Object.hasOwn(IMPLS, kernel.name)) {
    return (IMPLS as Record<string, KernelImpl<unknown>>)[kernel.name];
  }
  const carried = kernel.implementations?.['ref'];
  return typeof carried === 'function' ? (carried as KernelImpl<unknown>) : undefined;
}

export function createRefBackend(): Backend {
  return {
    name: 'ref',
    info: { threads: 1 },
    supports(kernel) {
      return implOf(kernel) !== undefined ? true : `ref has no implementation of ${kernel.name}`;
    },
    run(kernel, plan, inputs, outputs) {
      implOf(kernel)!(plan, inputs, outputs);
    },
  };
}

export const refBackend: BackendFactory = {
  name: 'ref',
  create: async () => createRefBackend(),
};
