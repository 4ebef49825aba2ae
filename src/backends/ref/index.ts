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
import { melWeightMatrixRef } from './melWeightMatrix.js';
import { mulRef } from './mul.js';
import { reluRef } from './relu.js';
import { pairwiseDistancesRef } from './pairwiseDistances.js';
import { lloydRef } from './lloyd.js';
import { hamerlyRef } from './hamerly.js';

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
  melWeightMatrix: melWeightMatrixRef,
  pairwiseDistances: pairwiseDistancesRef,
  lloyd: lloydRef,
  hamerly: hamerlyRef,
};

function implOf(kernel: AnyKernelDef): KernelImpl<unknown> | undefined {
  return (IMPLS as Record<string, KernelImpl<unknown>>)[kernel.name];
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
