/**
 * Every kernel hotpath declares, by id. The id is the file name of its definition and of every
 * implementation (`backends/<backend>/<id>.ts`).
 */
import { add } from './add.js';
import { matmul } from './matmul.js';
import { gemm } from './gemm.js';
import { softmax } from './softmax.js';
import { logSoftmax } from './logSoftmax.js';
import { layerNorm } from './layerNorm.js';
import { reduceSum } from './reduceSum.js';
import { reduceMean } from './reduceMean.js';
import { transpose } from './transpose.js';
import { gelu } from './gelu.js';
import { hannWindow } from './hannWindow.js';
import { dft } from './dft.js';
import { stft } from './stft.js';
import { melWeightMatrix } from './melWeightMatrix.js';
import type { KernelDef } from './kernel.js';
import { mul } from './mul.js';
import { relu } from './relu.js';
import { pairwiseDistances } from './pairwiseDistances.js';
import { lloyd } from './lloyd.js';
import { hamerly } from './hamerly.js';

export const KERNELS = {
  matmul,
  gemm,
  softmax,
  logSoftmax,
  layerNorm,
  reduceSum,
  reduceMean,
  transpose,
  add,
  mul,
  relu,
  gelu,
  hannWindow,
  dft,
  stft,
  melWeightMatrix,
  pairwiseDistances,
  lloyd,
  hamerly,
} as const;

export type Kernels = typeof KERNELS;
export type KernelName = keyof Kernels;
export type AttrsOf<K extends KernelName> = Kernels[K] extends KernelDef<infer A, unknown> ? A : never;
export type ParamsOf<K extends KernelName> = Kernels[K] extends KernelDef<object, infer P> ? P : never;

export function isKernelName(name: string): name is KernelName {
  return Object.prototype.hasOwnProperty.call(KERNELS, name);
}
