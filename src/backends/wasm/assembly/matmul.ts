// Packed, register-blocked SIMD matrix product used by matmul and gemm, for float32 (f32x4)
// and float64 (f64x2) from one generic body:
//   C[rowStart:rowEnd, :] = beta * src + alpha * A[rowStart:rowEnd, :] * B   (src 0: no term)
// A and B are read through any element strides (packing makes them contiguous), C is row-major
// with leading dimension ldc. Pointers are byte offsets into the shared heap; `scratch` is this
// thread's private area, sized by the caller (backends/wasm/matmul.ts, matmulScratchBytes).
//
// Blocking (GotoBLAS style): for each NC-wide block of columns and KC-deep slice of k, B's slice is packed into panels of NR
// columns ([kc][NR] each), A's rows are packed MC at a time into panels of MR rows ([kc][MR]),
// and a 4 x (2 vectors) micro-kernel keeps its 8 accumulators in registers. NR is two vectors:
// 8 float32 or 4 float64 columns.

const MR: i32 = 4;
const KC: i32 = 256;
const MC: i32 = 64;

@inline function nr<T>(): i32 {
  return 32 / sizeof<T>();
}

// Columns of B packed at a time (GotoBLAS's NC): bounds the scratch whatever n is.
export const NC: i32 = 4096;

@inline function madd<T>(acc: v128, a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) {
    if (ASC_FEATURE_RELAXED_SIMD) {
      return f32x4.relaxed_madd(a, b, acc);
    } else {
      return f32x4.add(acc, f32x4.mul(a, b));
    }
  } else {
    if (ASC_FEATURE_RELAXED_SIMD) {
      return f64x2.relaxed_madd(a, b, acc);
    } else {
      return f64x2.add(acc, f64x2.mul(a, b));
    }
  }
}

@inline function splatLoad<T>(ptr: usize): v128 {
  return sizeof<T>() == 4 ? v128.load32_splat(ptr) : v128.load64_splat(ptr);
}

@inline function splat<T>(x: f64): v128 {
  return sizeof<T>() == 4 ? f32x4.splat(<f32>x) : f64x2.splat(x);
}

// acc tile (MR x NR) = sum_p Apanel[p][0..MR] * Bpanel[p][0..NR]; then dst += alpha * acc,
// or dst = alpha * acc when `direct` (the whole of k in one slice and no C term: C is then
// written once, never zero-filled or read back, which matters when k is small and C large).
@inline function kernel<T>(ap: usize, bp: usize, dst: usize, ldd: i32, kc: i32, alpha: f64, direct: bool): void {
  const s = <usize>sizeof<T>();
  const zero = splat<T>(0);
  let c00 = zero, c01 = zero;
  let c10 = zero, c11 = zero;
  let c20 = zero, c21 = zero;
  let c30 = zero, c31 = zero;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = splatLoad<T>(ap);
    c00 = madd<T>(c00, a, b0);
    c01 = madd<T>(c01, a, b1);
    a = splatLoad<T>(ap + s);
    c10 = madd<T>(c10, a, b0);
    c11 = madd<T>(c11, a, b1);
    a = splatLoad<T>(ap + 2 * s);
    c20 = madd<T>(c20, a, b0);
    c21 = madd<T>(c21, a, b1);
    a = splatLoad<T>(ap + 3 * s);
    c30 = madd<T>(c30, a, b0);
    c31 = madd<T>(c31, a, b1);
    ap += 4 * s;
    bp += 32;
  }
  const f = splat<T>(alpha);
  const row = <usize>ldd * s;
  if (direct) {
    const none = splat<T>(0);
    v128.store(dst, madd<T>(none, c00, f));
    v128.store(dst, madd<T>(none, c01, f), 16);
    dst += row;
    v128.store(dst, madd<T>(none, c10, f));
    v128.store(dst, madd<T>(none, c11, f), 16);
    dst += row;
    v128.store(dst, madd<T>(none, c20, f));
    v128.store(dst, madd<T>(none, c21, f), 16);
    dst += row;
    v128.store(dst, madd<T>(none, c30, f));
    v128.store(dst, madd<T>(none, c31, f), 16);
    return;
  }
  v128.store(dst, madd<T>(v128.load(dst), c00, f));
  v128.store(dst, madd<T>(v128.load(dst, 16), c01, f), 16);
  dst += row;
  v128.store(dst, madd<T>(v128.load(dst), c10, f));
  v128.store(dst, madd<T>(v128.load(dst, 16), c11, f), 16);
  dst += row;
  v128.store(dst, madd<T>(v128.load(dst), c20, f));
  v128.store(dst, madd<T>(v128.load(dst, 16), c21, f), 16);
  dst += row;
  v128.store(dst, madd<T>(v128.load(dst), c30, f));
  v128.store(dst, madd<T>(v128.load(dst, 16), c31, f), 16);
}

// Element (i, j) of a strided matrix.
@inline function at<T>(base: usize, rs: i32, cs: i32, i: i32, j: i32): T {
  return load<T>(base + (<usize>i * <usize>rs + <usize>j * <usize>cs) * <usize>sizeof<T>());
}

// C[rowStart:rowEnd, :] = beta * src through src's strides (stride 0 broadcasts), or 0 when
// src is 0 (no bias).
@inline function initRows<T>(c: usize, ldc: i32, n: i32, src: usize, srs: i32, scs: i32, beta: f64, rowStart: i32, rowEnd: i32): void {
  const s = <usize>sizeof<T>();
  for (let i = rowStart; i < rowEnd; i++) {
    const row = c + <usize>i * <usize>ldc * s;
    if (src == 0) {
      memory.fill(row, 0, <usize>n * s);
      continue;
    }
    for (let j = 0; j < n; j++) {
      store<T>(row + <usize>j * s, <T>(beta * <f64>at<T>(src, srs, scs, i, j)));
    }
  }
}

@inline function product<T>(
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  m: i32, n: i32, k: i32, alpha: f64,
  src: usize, srs: i32, scs: i32, beta: f64,
  rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  // One k slice and no C term: every element of C is written exactly once by a tile store.
  const direct = src == 0 && k <= KC && k > 0;
  if (!direct) {
    initRows<T>(c, ldc, n, src, srs, scs, beta, rowStart, rowEnd);
  }
  const s = <usize>sizeof<T>();
  const NR = nr<T>();
  const kcMax = min(KC, k);
  const packedB = scratch;
  const packedA = packedB + <usize>(((min(NC, n) + NR - 1) / NR) * NR * kcMax) * s;
  const tile = packedA + <usize>(MC * kcMax) * s;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    const panels = (nc + NR - 1) / NR;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // B[pc:pc+kc, jc:jc+nc] -> panels [panels][kc][NR], zero-padded past column n.
      for (let jp = 0; jp < panels; jp++) {
        let dst = packedB + <usize>(jp * kc * NR) * s;
        const j0 = jc + jp * NR;
        for (let p = 0; p < kc; p++) {
          for (let jj = 0; jj < NR; jj++) {
            const j = j0 + jj;
            store<T>(dst + <usize>jj * s, j < n ? at<T>(b, brs, bcs, pc + p, j) : <T>0);
          }
          dst += 32;
        }
      }
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = min(MC, rowEnd - ic);
        // A[ic:ic+mc, pc:pc+kc] -> panels [ceil(mc/MR)][kc][MR], zero-padded past row rowEnd.
        for (let ip = 0; ip < mc; ip += MR) {
          let dst = packedA + <usize>(ip * kc) * s;
          for (let p = 0; p < kc; p++) {
            for (let r = 0; r < MR; r++) {
              const i = ic + ip + r;
              store<T>(dst + <usize>r * s, i < rowEnd ? at<T>(a, ars, acs, i, pc + p) : <T>0);
            }
            dst += <usize>MR * s;
          }
        }
        for (let jp = 0; jp < panels; jp++) {
          const bp = packedB + <usize>(jp * kc * NR) * s;
          const j0 = jc + jp * NR;
          for (let ip = 0; ip < mc; ip += MR) {
            const ap = packedA + <usize>(ip * kc) * s;
            const i0 = ic + ip;
            if (i0 + MR <= rowEnd && j0 + NR <= n) {
              kernel<T>(ap, bp, c + (<usize>i0 * <usize>ldc + <usize>j0) * s, ldc, kc, alpha, direct);
            } else {
              // Edge tile: compute into a zeroed tile, then add the part inside C.
              kernel<T>(ap, bp, tile, NR, kc, alpha, true);
              const rows = min(MR, rowEnd - i0);
              const cols = min(NR, n - j0);
              for (let r = 0; r < rows; r++) {
                for (let jj = 0; jj < cols; jj++) {
                  const d = c + (<usize>(i0 + r) * <usize>ldc + <usize>(j0 + jj)) * s;
                  const v = load<T>(tile + <usize>(r * NR + jj) * s);
                  store<T>(d, direct ? v : load<T>(d) + v);
                }
              }
            }
          }
        }
      }
    }
  }
}

export function matmul(
  a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, alpha: f64, src: usize, srs: i32, scs: i32, beta: f64,
  rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  product<f32>(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, alpha, src, srs, scs, beta, rowStart, rowEnd, scratch);
}

export function matmulF64(
  a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, alpha: f64, src: usize, srs: i32, scs: i32, beta: f64,
  rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  product<f64>(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, alpha, src, srs, scs, beta, rowStart, rowEnd, scratch);
}
