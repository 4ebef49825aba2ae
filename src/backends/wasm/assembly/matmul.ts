// Packed, register-blocked SIMD matrix product used by matmul and gemm:
//   C[rowStart:rowEnd, :] = beta * src + alpha * A[rowStart:rowEnd, :] * B   (src 0: no term)
// A and B are read through any element strides (packing makes them contiguous), C is row-major
// with leading dimension ldc. Pointers are byte offsets into the shared heap; `scratch` is this
// thread's private area of at least scratchBytes(n) bytes.
//
// Blocking (GotoBLAS style): for each KC-deep slice of k, B's slice is packed into panels of NR
// columns ([kc][NR] each), A's rows are packed MC at a time into panels of MR rows ([kc][MR]),
// and a 4x8 micro-kernel keeps its 8 accumulators (4 rows x 2 vectors) in registers.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 64;

// Bytes of scratch one thread needs for a product with n columns.
export function scratchBytes(n: i32): i32 {
  const panels = (n + NR - 1) / NR;
  return (panels * NR * KC + MC * KC + MR * NR) * 4;
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, acc);
  } else {
    return f32x4.add(acc, f32x4.mul(a, b));
  }
}

// acc tile (4 x 8) = sum_p Apanel[p][0..4] * Bpanel[p][0..8]; then dst += alpha * acc.
@inline function kernel(ap: usize, bp: usize, dst: usize, ldd: i32, kc: i32, alpha: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(c00, a, b0);
    c01 = madd(c01, a, b1);
    a = v128.load32_splat(ap, 4);
    c10 = madd(c10, a, b0);
    c11 = madd(c11, a, b1);
    a = v128.load32_splat(ap, 8);
    c20 = madd(c20, a, b0);
    c21 = madd(c21, a, b1);
    a = v128.load32_splat(ap, 12);
    c30 = madd(c30, a, b0);
    c31 = madd(c31, a, b1);
    ap += 16;
    bp += 32;
  }
  const s = f32x4.splat(alpha);
  const row = <usize>ldd << 2;
  v128.store(dst, madd(v128.load(dst), c00, s));
  v128.store(dst, madd(v128.load(dst, 16), c01, s), 16);
  dst += row;
  v128.store(dst, madd(v128.load(dst), c10, s));
  v128.store(dst, madd(v128.load(dst, 16), c11, s), 16);
  dst += row;
  v128.store(dst, madd(v128.load(dst), c20, s));
  v128.store(dst, madd(v128.load(dst, 16), c21, s), 16);
  dst += row;
  v128.store(dst, madd(v128.load(dst), c30, s));
  v128.store(dst, madd(v128.load(dst, 16), c31, s), 16);
}

// Element (i, j) of a strided matrix, as f32.
@inline function at(base: usize, rs: i32, cs: i32, i: i32, j: i32): f32 {
  return load<f32>(base + ((<usize>i * <usize>rs + <usize>j * <usize>cs) << 2));
}

export function matmul(
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  m: i32, n: i32, k: i32, alpha: f32,
  src: usize, srs: i32, scs: i32, beta: f32,
  rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  // This thread's rows of C start as beta * src (or 0), in the same dispatch as the product.
  gemmInit(c, ldc, n, src, srs, scs, beta, rowStart, rowEnd);
  const panels = (n + NR - 1) / NR;
  const packedB = scratch;
  const packedA = packedB + (<usize>(panels * NR * KC) << 2);
  const tile = packedA + (<usize>(MC * KC) << 2);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    // B[pc:pc+kc, :] -> panels [panels][kc][NR], zero-padded past column n.
    for (let jp = 0; jp < panels; jp++) {
      let dst = packedB + (<usize>(jp * kc * NR) << 2);
      const j0 = jp * NR;
      for (let p = 0; p < kc; p++) {
        for (let jj = 0; jj < NR; jj++) {
          const j = j0 + jj;
          store<f32>(dst + (<usize>jj << 2), j < n ? at(b, brs, bcs, pc + p, j) : 0);
        }
        dst += NR << 2;
      }
    }
    for (let ic = rowStart; ic < rowEnd; ic += MC) {
      const mc = min(MC, rowEnd - ic);
      // A[ic:ic+mc, pc:pc+kc] -> panels [ceil(mc/MR)][kc][MR], zero-padded past row rowEnd.
      for (let ip = 0; ip < mc; ip += MR) {
        let dst = packedA + (<usize>(ip * kc) << 2);
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) {
            const i = ic + ip + r;
            store<f32>(dst + (<usize>r << 2), i < rowEnd ? at(a, ars, acs, i, pc + p) : 0);
          }
          dst += MR << 2;
        }
      }
      for (let jp = 0; jp < panels; jp++) {
        const bp = packedB + (<usize>(jp * kc * NR) << 2);
        const j0 = jp * NR;
        for (let ip = 0; ip < mc; ip += MR) {
          const ap = packedA + (<usize>(ip * kc) << 2);
          const i0 = ic + ip;
          if (i0 + MR <= rowEnd && j0 + NR <= n) {
            kernel(ap, bp, c + ((<usize>i0 * <usize>ldc + <usize>j0) << 2), ldc, kc, alpha);
          } else {
            // Edge tile: compute into a zeroed 4x8 tile, then add the part inside C.
            memory.fill(tile, 0, MR * NR * 4);
            kernel(ap, bp, tile, NR, kc, alpha);
            const rows = min(MR, rowEnd - i0);
            const cols = min(NR, n - j0);
            for (let r = 0; r < rows; r++) {
              for (let jj = 0; jj < cols; jj++) {
                const d = c + ((<usize>(i0 + r) * <usize>ldc + <usize>(j0 + jj)) << 2);
                store<f32>(d, load<f32>(d) + load<f32>(tile + (<usize>(r * NR + jj) << 2)));
              }
            }
          }
        }
      }
    }
  }
}

// C[rowStart:rowEnd, :] = beta * src (src read through strides; stride 0 broadcasts), or 0
// when src is 0 (no bias).
export function gemmInit(c: usize, ldc: i32, n: i32, src: usize, srs: i32, scs: i32, beta: f32, rowStart: i32, rowEnd: i32): void {
  for (let i = rowStart; i < rowEnd; i++) {
    const row = c + (<usize>i * <usize>ldc << 2);
    if (src == 0) {
      memory.fill(row, 0, <usize>n << 2);
      continue;
    }
    for (let j = 0; j < n; j++) {
      store<f32>(row + (<usize>j << 2), beta * at(src, srs, scs, i, j));
    }
  }
}
