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
import { fbank } from './fbank.js';
import type { KernelDef } from './kernel.js';
import { mul } from './mul.js';
import { relu } from './relu.js';
import { pairwiseDistances } from './pairwiseDistances.js';
import { lloyd } from './lloyd.js';
import { hamerly } from './hamerly.js';
import { sub } from './sub.js';
import { div } from './div.js';
import { pow } from './pow.js';
import { max } from './max.js';
import { min } from './min.js';
import { neg } from './neg.js';
import { abs } from './abs.js';
import { exp } from './exp.js';
import { log } from './log.js';
import { sqrt } from './sqrt.js';
import { reciprocal } from './reciprocal.js';
import { tanh } from './tanh.js';
import { sigmoid } from './sigmoid.js';
import { erf } from './erf.js';
import { sin } from './sin.js';
import { cos } from './cos.js';
import { floor } from './floor.js';
import { ceil } from './ceil.js';
import { round } from './round.js';
import { sign } from './sign.js';
import { softplus } from './softplus.js';
import { leakyRelu } from './leakyRelu.js';
import { elu } from './elu.js';
import { selu } from './selu.js';
import { hardSigmoid } from './hardSigmoid.js';
import { clip } from './clip.js';
import { where } from './where.js';
import { equal } from './equal.js';
import { less } from './less.js';
import { greater } from './greater.js';
import { not } from './not.js';
import { and } from './and.js';
import { or } from './or.js';
import { cast } from './cast.js';
import { reduceMax } from './reduceMax.js';
import { reduceMin } from './reduceMin.js';
import { argMax } from './argMax.js';
import { argMin } from './argMin.js';
import { cumSum } from './cumSum.js';
import { topK } from './topK.js';
import { concat } from './concat.js';
import { gather } from './gather.js';
import { range } from './range.js';
import { expand } from './expand.js';
import { tile } from './tile.js';
import { slice } from './slice.js';
import { squeeze } from './squeeze.js';
import { unsqueeze } from './unsqueeze.js';
import { reshape } from './reshape.js';
import { flatten } from './flatten.js';

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
  fbank,
  pairwiseDistances,
  lloyd,
  hamerly,
  sub,
  div,
  pow,
  max,
  min,
  neg,
  abs,
  exp,
  log,
  sqrt,
  reciprocal,
  tanh,
  sigmoid,
  erf,
  sin,
  cos,
  floor,
  ceil,
  round,
  sign,
  softplus,
  leakyRelu,
  elu,
  selu,
  hardSigmoid,
  clip,
  where,
  equal,
  less,
  greater,
  not,
  and,
  or,
  cast,
  reduceMax,
  reduceMin,
  argMax,
  argMin,
  cumSum,
  topK,
  concat,
  gather,
  range,
  expand,
  tile,
  slice,
  squeeze,
  unsqueeze,
  reshape,
  flatten,
} as const;

export type Kernels = typeof KERNELS;
export type KernelName = keyof Kernels;
export type AttrsOf<K extends KernelName> = Kernels[K] extends KernelDef<infer A, unknown> ? A : never;
export type ParamsOf<K extends KernelName> = Kernels[K] extends KernelDef<object, infer P> ? P : never;

export function isKernelName(name: string): name is KernelName {
  return Object.prototype.hasOwnProperty.call(KERNELS, name);
}
