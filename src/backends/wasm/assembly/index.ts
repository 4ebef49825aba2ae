// The wasm backend's module: every kernel entry point, one file per kernel.
export { add } from './add';
export { mul } from './mul';
export { relu } from './relu';
export { softmaxLines } from './softmax';
export { layerNorm } from './layerNorm';
export { matmul, matmulF64, matmulDistance } from './matmul';
export { gelu } from './gelu';
export { reduceLines, reduceLinesF64 } from './reduce';
export { transpose } from './transpose';
export { binaryInt } from './binaryInt';
export { dftLines } from './dft';
export { stftFrames } from './stft';
export { fftScratchBytes } from './fft';
export { hannWindow } from './hannWindow';
export { melWeightMatrix } from './melWeightMatrix';
export { distancePack, distanceFinish, distanceFixList, manhattanRows } from './pairwiseDistances';
export { lloydPrepare, lloydPrepareF64, lloydAssign, lloydAssignF64, lloydCombine } from './lloyd';
export { distancePackF64, distanceRowsF64 } from './pairwiseDistancesF64';
