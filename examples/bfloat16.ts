/**
 * Rounding float32 weights to bfloat16 precision (round to nearest, ties to even; NaN kept), as
 * a model is prepared for a bfloat16 runtime: a bit-level hot loop that a scalar element body
 * cannot say (element bodies have no integers), written as an explicit-SIMD `lanes` body.
 *
 * Before: `roundToBfloat16`, a loop over the float32 bits through an Int32Array view. After:
 * `bfloat16`, the same steps on four lanes with WebAssembly's intrinsic names. The file still
 * runs as JavaScript (the intrinsics have a shim), so the lanes body is its own reference, and
 * `hotpath check examples/bfloat16.ts` compares it with the compiled kernel.
 */
import { f32x4, i32x4, map, v128 } from '../src/kernel/index.js';

/** The function this kernel was ported from: each value rounded to its nearest bfloat16. */
export function roundToBfloat16(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  const bits = new Int32Array(out.buffer);
  out.set(values);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i]!;
    if (Number.isNaN(out[i])) {
      continue;
    }
    // Add 0x7fff plus the lowest kept bit, then drop the low 16 bits: nearest, ties to even.
    bits[i] = (x + 0x7fff + ((x >>> 16) & 1)) & -65536;
  }
  return out;
}

export const bfloat16 = map({
  name: 'bfloat16',
  inputs: ['x'],
  // The lanes body is the reference: the compiled kernel must give the same bits.
  tolerance: { ulp: 0 },
  lanes(x: v128): v128 {
    const lowestKept = v128.and(i32x4.shr_u(x, 16), i32x4.splat(1));
    const rounded = i32x4.add(x, i32x4.add(i32x4.splat(0x7fff), lowestKept));
    const truncated = v128.and(rounded, i32x4.splat(-65536));
    return v128.bitselect(x, truncated, f32x4.ne(x, x));
  },
});
