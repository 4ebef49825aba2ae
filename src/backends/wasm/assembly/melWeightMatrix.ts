// melWeightMatrix, float32 [bins, numMelBins] row-major, following the ONNX reference as
// backends/ref/melWeightMatrix.ts does: HTK mel points spaced (high - low) / (numMelBins + 2),
// their integer spectrum bins floor((dftLength + 1) * hz / sampleRate), then the triangles.

@inline function hertzToMel(hz: f64): f64 {
  return 2595 * Math.log10(1 + hz / 700);
}

@inline function melToHertz(mel: f64): f64 {
  return 700 * (Math.pow(10, mel / 2595) - 1);
}

// floor(a / b) of the exact quotient for a >= 0, b > 0 (numpy's // on floats).
@inline function floorDivide(a: f64, b: f64): i32 {
  return <i32>Math.round((a - a % b) / b);
}

@inline function set(y: usize, bins: i32, bands: i32, bin: i32, band: i32, value: f64): void {
  if (bin < bins) {
    store<f32>(y + (<usize>(bin * bands + band) << 2), <f32>value);
  }
}

function pointBin(i: i32, lowMel: f64, melStep: f64, dftLength: i32, sampleRate: i32): i32 {
  return floorDivide(<f64>(dftLength + 1) * melToHertz(lowMel + <f64>i * melStep), <f64>sampleRate);
}

export function melWeightMatrix(y: usize, bins: i32, bands: i32, dftLength: i32, sampleRate: i32, lowerHz: f64, upperHz: f64): void {
  memory.fill(y, 0, <usize>(bins * bands) << 2);
  const lowMel = hertzToMel(lowerHz);
  const melStep = (hertzToMel(upperHz) - lowMel) / <f64>(bands + 2);
  for (let band = 0; band < bands; band++) {
    const left = pointBin(band, lowMel, melStep, dftLength, sampleRate);
    const center = pointBin(band + 1, lowMel, melStep, dftLength, sampleRate);
    const right = pointBin(band + 2, lowMel, melStep, dftLength, sampleRate);
    if (center == left) {
      set(y, bins, bands, center, band, 1);
    } else {
      for (let bin = left; bin <= center; bin++) {
        set(y, bins, bands, bin, band, <f64>(bin - left) / <f64>(center - left));
      }
    }
    if (right > center) {
      for (let bin = center; bin < right; bin++) {
        set(y, bins, bands, bin, band, <f64>(right - bin) / <f64>(right - center));
      }
    }
  }
}
