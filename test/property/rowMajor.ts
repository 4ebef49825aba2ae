/**
 * Row-major helpers the laws in `laws.test.ts` compute their expectations with: lines along an
 * axis, inverse permutations, a plain numpy-style matmul, and rounding to a dtype. Not a test file.
 */
import type { Tensor } from '../../src/index.js';
import { dtypeInfo, type DType } from '../../src/tensor/dtype.js';
import type { LayoutCase } from '../../src/testing/arbitraries.js';

/** Flat row-major indices of every line along `axis`. */
export function lines(shape: readonly number[], axis: number): number[][] {
  const stride = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const n = shape[axis]!;
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const out: number[][] = [];
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < stride; s++) {
      out.push(Array.from({ length: n }, (_, i) => o * n * stride + i * stride + s));
    }
  }
  return out;
}

export function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** numpy matmul over row-major values, float64 sums in order p = 0..k-1; also sum |a||b|. */
export function tripleLoop(a: LayoutCase, b: LayoutCase): { value: number[]; magnitude: number[]; k: number } {
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const da = ab[ab.length - rank + i] ?? 1;
    return da === 1 ? (bb[bb.length - rank + i] ?? 1) : da; // not Math.max: 1 broadcasts to 0
  });
  const count = batch.reduce((p, d) => p * d, 1);
  const offsetOf = (own: readonly number[], flat: number, block: number): number => {
    // The operand's batch index: its own dims of size 1 read index 0 (broadcast).
    let rest = flat;
    let index = 0;
    let scale = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const idx = rest % batch[i]!;
      rest = Math.floor(rest / batch[i]!);
      const j = own.length - rank + i;
      if (j >= 0) {
        index += (own[j] === 1 ? 0 : idx) * scale;
        scale *= own[j]!;
      }
    }
    return index * block;
  };
  const value: number[] = [];
  const magnitude: number[] = [];
  for (let q = 0; q < count; q++) {
    const ao = offsetOf(ab, q, m * k);
    const bo = offsetOf(bb, q, k * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const term = a.values[ao + i * k + p]! * b.values[bo + p * n + j]!;
          sum += term;
          abs += Math.abs(term);
        }
        value.push(sum);
        magnitude.push(abs);
      }
    }
  }
  return { value, magnitude, k };
}

export function asDType(dtype: DType, xs: readonly number[]): ReturnType<Tensor['toArray']> {
  const info = dtypeInfo(dtype);
  const out = info.create(new ArrayBuffer(xs.length * info.bytes), 0, xs.length);
  xs.forEach((x, i) => (out[i] = x));
  return out;
}
