/**
 * Per-row standard scaling (z-score): preprocessing as a rows kernel. Each output row is
 * (x - mean) / sqrt(var + eps) of its input row; statements about the whole row (the mean, the
 * scale) and loops over its elements are written as in plain TypeScript.
 */
import { rows, type f32, type i32, type Row } from '../src/kernel/index.js';

/** The function this kernel was ported from, over a row-major [rowCount, cols] matrix. */
export function zScoreRows(x: Float32Array, rowCount: number, cols: number, eps = 1e-6): Float32Array {
  const out = new Float32Array(rowCount * cols);
  for (let r = 0; r < rowCount; r++) {
    const start = r * cols;
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      sum += x[start + c]!;
    }
    const mean = sum / cols;
    let squares = 0;
    for (let c = 0; c < cols; c++) {
      const d = x[start + c]! - mean;
      squares += d * d;
    }
    const scale = 1 / Math.sqrt(squares / cols + eps);
    for (let c = 0; c < cols; c++) {
      out[start + c] = (x[start + c]! - mean) * scale;
    }
  }
  return out;
}

export const zScore = rows({
  name: 'zScore',
  inputs: ['x'],
  params: { eps: 1e-6 },
  tolerance: { ulp: 64, floor: 1 },
  row(x: Row, out: Row, n: i32, eps: f32): void {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      sum += x[j]!;
    }
    const mean = sum / n;
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const d = x[j]! - mean;
      squares += d * d;
    }
    const scale = 1 / Math.sqrt(squares / n + eps);
    for (let j = 0; j < n; j++) {
      out[j] = (x[j]! - mean) * scale;
    }
  },
});
