/**
 * melWeightMatrix({ numMelBins, dftLength, sampleRate, lowerEdgeHertz, upperEdgeHertz, dtype }):
 * the matrix [floor(dftLength / 2) + 1, numMelBins] that maps a onesided power or magnitude
 * spectrum to mel bands (spectrogram [frames, bins] x matrix = mel spectrogram), as ONNX
 * MelWeightMatrix-17 and its reference implementation (not librosa, not TensorFlow):
 * - HTK mel scale, mel(f) = 2595 * log10(1 + f / 700);
 * - numMelBins + 2 points from mel(lower) in steps of (mel(upper) - mel(lower)) / (numMelBins + 2),
 *   each mapped back to hertz and to the integer bin floor((dftLength + 1) * hz / sampleRate);
 * - column i is a triangle with peak 1 rising from point i to point i + 1 and falling to 0 at
 *   point i + 2 (a column whose rising edge is empty gets just the 1 at its centre).
 * No tensor inputs. Requires 0 <= lowerEdgeHertz < upperEdgeHertz <= sampleRate / 2.
 * Throws ARGUMENT (missing or invalid attributes), DTYPE (dtype).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { outputView } from './broadcast.js';
import { defineKernel, finiteAttr, intAttr } from './kernel.js';
import { floatDTypeAttr, requiredAttr, type FloatDType } from './spectral.js';

/** All but dtype are required. */
export interface MelWeightMatrixAttrs {
  numMelBins?: number;
  dftLength?: number;
  sampleRate?: number;
  lowerEdgeHertz?: number;
  upperEdgeHertz?: number;
  dtype?: FloatDType;
}

export interface MelWeightMatrixParams {
  readonly numMelBins: number;
  readonly dftLength: number;
  readonly sampleRate: number;
  readonly lowerEdgeHertz: number;
  readonly upperEdgeHertz: number;
  /** Spectrum bins, floor(dftLength / 2) + 1: the output's rows. */
  readonly bins: number;
  readonly y: ViewSpec;
}

const K = 'melWeightMatrix';

export const melWeightMatrix = defineKernel<MelWeightMatrixAttrs, MelWeightMatrixParams>({
  name: K,
  inputs: [],
  outputs: ['y'],
  defaults: { numMelBins: undefined, dftLength: undefined, sampleRate: undefined, lowerEdgeHertz: undefined, upperEdgeHertz: undefined, dtype: 'float32' },
  // Entries are ratios of small integers, rounded once to the dtype.
  tolerance: { kind: 'ulp', ulp: 1, floor: 1 },
  infer: (_inputs, attrs) => {
    const numMelBins = intAttr(K, 'numMelBins', requiredAttr(K, 'numMelBins', attrs.numMelBins, 'an integer >= 1'), 1);
    const dftLength = intAttr(K, 'dftLength', requiredAttr(K, 'dftLength', attrs.dftLength, 'an integer >= 1'), 1);
    const sampleRate = intAttr(K, 'sampleRate', requiredAttr(K, 'sampleRate', attrs.sampleRate, 'an integer >= 1'), 1);
    const lowerEdgeHertz = finiteAttr(K, 'lowerEdgeHertz', requiredAttr(K, 'lowerEdgeHertz', attrs.lowerEdgeHertz, 'a frequency in hertz'));
    const upperEdgeHertz = finiteAttr(K, 'upperEdgeHertz', requiredAttr(K, 'upperEdgeHertz', attrs.upperEdgeHertz, 'a frequency in hertz'));
    const dtype = floatDTypeAttr(K, attrs.dtype);
    const nyquist = sampleRate / 2;
    if (!(lowerEdgeHertz >= 0 && lowerEdgeHertz < upperEdgeHertz && upperEdgeHertz <= nyquist)) {
      fail({
        code: 'ARGUMENT',
        kernel: K,
        problem: 'invalid frequency range',
        expected: `0 <= lowerEdgeHertz < upperEdgeHertz <= sampleRate / 2 = ${nyquist}`,
        received: `lowerEdgeHertz ${lowerEdgeHertz}, upperEdgeHertz ${upperEdgeHertz}`,
      });
    }
    const bins = Math.floor(dftLength / 2) + 1;
    const shape = [bins, numMelBins];
    return {
      outputs: [{ shape, dtype }],
      params: { numMelBins, dftLength, sampleRate, lowerEdgeHertz, upperEdgeHertz, bins, y: outputView(shape) },
    };
  },
  cost: (plan) => {
    const n = plan.params.bins * plan.params.numMelBins;
    return { flops: n, bytes: n * dtypeInfo(plan.outputs[0]!.dtype).bytes };
  },
});
