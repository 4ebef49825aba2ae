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
@inline function kernel<T>(ap: usize, bp: usize, dst: usize, ldd: i32, kc: i32, alpha: f64, direct: bool, epi: usize, i0: i32, j0: i32): void {
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
  if (direct && epi != 0) {
    // The distance epilogue (float32 only): see finishStore. Descriptor and ny read once.
    const nx = <usize>load<i32>(epi) + (<usize>i0 << 2);
    const ny = <usize>load<i32>(epi, 4) + (<usize>j0 << 2);
    const sqrtMode = load<i32>(epi, 8) == 1;
    const y0 = v128.load(ny);
    const y1 = v128.load(ny, 16);
    const none = splat<T>(0);
    finishStore(dst, madd<T>(none, c00, f), y0, nx, sqrtMode, epi, i0, j0);
    finishStore(dst + 16, madd<T>(none, c01, f), y1, nx, sqrtMode, epi, i0, j0 + 4);
    dst += row;
    finishStore(dst, madd<T>(none, c10, f), y0, nx + 4, sqrtMode, epi, i0 + 1, j0);
    finishStore(dst + 16, madd<T>(none, c11, f), y1, nx + 4, sqrtMode, epi, i0 + 1, j0 + 4);
    dst += row;
    finishStore(dst, madd<T>(none, c20, f), y0, nx + 8, sqrtMode, epi, i0 + 2, j0);
    finishStore(dst + 16, madd<T>(none, c21, f), y1, nx + 8, sqrtMode, epi, i0 + 2, j0 + 4);
    dst += row;
    finishStore(dst, madd<T>(none, c30, f), y0, nx + 12, sqrtMode, epi, i0 + 3, j0);
    finishStore(dst + 16, madd<T>(none, c31, f), y1, nx + 12, sqrtMode, epi, i0 + 3, j0 + 4);
    return;
  }
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

// The distance epilogue. epi points at this thread's descriptor, i32 words: [0] nx (squared
// row norms of x, float32), [1] ny (of y), [2] mode (0 squared, 1 Euclidean), [3] list (pairs
// i, j of i32), [4] capacity (pairs), [5] count. A value D is final when D >= (nx_i + ny_j) / 2
// and D >= 2^-60 (the GEMM form cannot have cancelled it; see pairwiseDistances.ts): stored as
// D or sqrt(D). Any other is stored as D and its (i, j) listed for a direct recomputation (past
// the capacity, count keeps growing and the caller redoes the call unfused).
const SMALL: f32 = 8.673617379884035e-19; // 2^-60

@inline function finishStore(dst: usize, v: v128, ny: v128, nx: usize, sqrtMode: bool, epi: usize, i: i32, j: i32): void {
  const s = f32x4.mul(f32x4.add(v128.load32_splat(nx), ny), f32x4.splat(0.5));
  // Not finite (an overflow on the way): recomputed too, as the float64 sum may still fit.
  const ok = v128.and(v128.and(f32x4.ge(v, s), f32x4.ge(v, f32x4.splat(SMALL))), f32x4.lt(v, f32x4.splat(<f32>Infinity)));
  v128.store(dst, sqrtMode ? v128.bitselect(f32x4.sqrt(v), v, ok) : v);
  if (!i32x4.all_true(ok)) {
    listLanes(ok, epi, i, j);
  }
}

// Lists the lanes of a vector at (i, j..j+3) whose `ok` is false (rare: kept out of line).
function listLanes(ok: v128, epi: usize, i: i32, j: i32): void {
  if (i32x4.extract_lane(ok, 0) == 0) {
    listOne(epi, i, j);
  }
  if (i32x4.extract_lane(ok, 1) == 0) {
    listOne(epi, i, j + 1);
  }
  if (i32x4.extract_lane(ok, 2) == 0) {
    listOne(epi, i, j + 2);
  }
  if (i32x4.extract_lane(ok, 3) == 0) {
    listOne(epi, i, j + 3);
  }
}

@inline function listOne(epi: usize, i: i32, j: i32): void {
  const count = load<i32>(epi, 20);
  if (count < load<i32>(epi, 16)) {
    const at = <usize>load<i32>(epi, 12) + (<usize>count << 3);
    store<i32>(at, i);
    store<i32>(at, j, 4);
  }
  store<i32>(epi, count + 1, 20);
}

// One element of an edge tile through the same epilogue.
function finishOne(dst: usize, v: f32, epi: usize, i: i32, j: i32): void {
  const nx = <usize>load<i32>(epi);
  const ny = <usize>load<i32>(epi, 4);
  const ok = v >= (load<f32>(nx + (<usize>i << 2)) + load<f32>(ny + (<usize>j << 2))) * 0.5 && v >= SMALL && v < <f32>Infinity;
  store<f32>(dst, ok && load<i32>(epi, 8) == 1 ? Mathf.sqrt(v) : v);
  if (!ok) {
    listOne(epi, i, j);
  }
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
  rowStart: i32, rowEnd: i32, scratch: usize, epi: usize,
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
              kernel<T>(ap, bp, c + (<usize>i0 * <usize>ldc + <usize>j0) * s, ldc, kc, alpha, direct, direct ? epi : 0, i0, j0);
            } else {
              // Edge tile: compute into a zeroed tile, then add the part inside C.
              kernel<T>(ap, bp, tile, NR, kc, alpha, true, 0, 0, 0);
              const rows = min(MR, rowEnd - i0);
              const cols = min(NR, n - j0);
              for (let r = 0; r < rows; r++) {
                for (let jj = 0; jj < cols; jj++) {
                  const d = c + (<usize>(i0 + r) * <usize>ldc + <usize>(j0 + jj)) * s;
                  const v = load<T>(tile + <usize>(r * NR + jj) * s);
                  if (direct && epi != 0) {
                    finishOne(d, <f32>v, epi, i0 + r, j0 + jj);
                  } else {
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
}

export function matmul(
  a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, alpha: f64, src: usize, srs: i32, scs: i32, beta: f64,
  rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  product<f32>(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, alpha, src, srs, scs, beta, rowStart, rowEnd, scratch, 0);
}

// matmul whose tiles go through the distance epilogue described at epi (see finishStore);
// pairwiseDistances' squared / Euclidean GEMM. Requires k <= KC (one slice), no C term.
export function matmulDistance(
  a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, rowStart: i32, rowEnd: i32, scratch: usize, epi: usize,
): void {
  product<f32>(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, 1, 0, 0, 0, 0, rowStart, rowEnd, scratch, epi);
}

export function matmulF64(
  a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, alpha: f64, src: usize, srs: i32, scs: i32, beta: f64,
  rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  product<f64>(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, alpha, src, srs, scs, beta, rowStart, rowEnd, scratch, 0);
}
