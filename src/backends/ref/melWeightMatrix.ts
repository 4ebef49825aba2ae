/**
 * melWeightMatrix reference, following the ONNX reference implementation step by step: mel
 * points, their integer spectrum bins, then one triangle per mel band. All in float64.
 */
import type { KernelImpl } from '../backend.js';
import type { MelWeightMatrixParams } from '../../kernels/melWeightMatrix.js';

/** HTK mel scale. */
function hertzToMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

function melToHertz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

/**
 * floor(a / b) for a >= 0, b > 0, of the exact quotient, as numpy's `//` on floats: a / b
 * alone can round up to the next integer when the quotient lies just below it.
 */
function floorDivide(a: number, b: number): number {
  return Math.round((a - (a % b)) / b);
}

export const melWeightMatrixRef: KernelImpl<MelWeightMatrixParams> = (plan, _inputs, [y]) => {
  const p = plan.params;
  const Y = y!.data('melWeightMatrix');
  const [rowStride, colStride] = p.y.strides as [number, number];
  const set = (bin: number, band: number, value: number): void => {
    // Points stay below upperEdgeHertz <= sampleRate / 2, so bins fit; the check is a guard.
    if (bin < p.bins) {
      Y[p.y.offset + bin * rowStride + band * colStride] = value;
    }
  };
  for (let bin = 0; bin < p.bins; bin++) {
    for (let band = 0; band < p.numMelBins; band++) {
      set(bin, band, 0);
    }
  }
  // numMelBins + 2 points, spaced (high - low) / (numMelBins + 2) apart: the ONNX reference
  // divides by the number of points, so the last point stops one step short of upperEdgeHertz.
  const lowMel = hertzToMel(p.lowerEdgeHertz);
  const highMel = hertzToMel(p.upperEdgeHertz);
  const points = p.numMelBins + 2;
  const melStep = (highMel - lowMel) / points;
  const pointBins: number[] = [];
  for (let i = 0; i < points; i++) {
    const hz = melToHertz(lowMel + i * melStep);
    pointBins.push(floorDivide((p.dftLength + 1) * hz, p.sampleRate));
  }
  for (let band = 0; band < p.numMelBins; band++) {
    const left = pointBins[band]!;
    const center = pointBins[band + 1]!;
    const right = pointBins[band + 2]!;
    if (center === left) {
      set(center, band, 1);
    } else {
      for (let bin = left; bin <= center; bin++) {
        set(bin, band, (bin - left) / (center - left));
      }
    }
    if (right > center) {
      for (let bin = center; bin < right; bin++) {
        set(bin, band, (right - bin) / (right - center));
      }
    }
  }
};
