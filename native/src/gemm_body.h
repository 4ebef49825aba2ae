/*
 * One dtype of the GEMM family, included by gemm_impl.h with GT (element), GV / GVU (aligned /
 * unaligned vector), GL (lanes), GMR, GKC, GMC, GNC and GFN(name) (name_f32 / name_f64) defined.
 * Strides are in elements and may be negative or 0 (broadcast); packing makes them contiguous.
 */
#define GNR (2 * GL)

/* B[0:kc, 0:nc] -> panels [ceil(nc / NR)][kc][NR], zero past column nc. */
__attribute__((noinline)) static void GFN(pack_b)(const GT *b, ptrdiff_t rs, ptrdiff_t cs, size_t kc, size_t nc, GT *restrict dst) {
  for (size_t j = 0; j < nc; j += GNR) {
    size_t w = GEMM_MIN((size_t)GNR, nc - j);
    const GT *col = b + (ptrdiff_t)j * cs;
    if (cs == 1 && w == GNR) {
      // Row-major B: each panel row is two vector copies.
      for (size_t p = 0; p < kc; p++) {
        const GT *row = col + (ptrdiff_t)p * rs;
        *(GV *)dst = *(const GVU *)row;
        *(GV *)(dst + GL) = *(const GVU *)(row + GL);
        dst += GNR;
      }
      continue;
    }
    if (rs == 1 && w == GNR) {
      // Column-major B (a transposed view): a cache line of each column at a time, so each
      // line read is used whole at once (the NR columns share L1 sets at 4 KiB strides) and the
      // panel rows written (16 x NR elements) stay in L1.
      const size_t line = 64 / sizeof(GT);
      for (size_t p0 = 0; p0 < kc; p0 += line) {
        const size_t p1 = GEMM_MIN(kc, p0 + line);
        for (size_t jj = 0; jj < GNR; jj++) {
          const GT *src = col + (ptrdiff_t)jj * cs;
          for (size_t p = p0; p < p1; p++) {
            dst[p * GNR + jj] = src[p];
          }
        }
      }
      dst += kc * GNR;
      continue;
    }
    for (size_t p = 0; p < kc; p++) {
      const GT *row = col + (ptrdiff_t)p * rs;
      for (size_t jj = 0; jj < GNR; jj++) {
        dst[jj] = jj < w ? row[(ptrdiff_t)jj * cs] : (GT)0;
      }
      dst += GNR;
    }
  }
}

/* A[0:mc, 0:kc] -> panels [ceil(mc / MR)][kc][MR], zero past row mc. */
__attribute__((noinline)) static void GFN(pack_a)(const GT *a, ptrdiff_t rs, ptrdiff_t cs, size_t mc, size_t kc, GT *restrict dst) {
  for (size_t i = 0; i < mc; i += GMR) {
    size_t h = GEMM_MIN((size_t)GMR, mc - i);
    const GT *rows = a + (ptrdiff_t)i * rs;
    if (h == GMR && cs == 1) {
      // Row-major A: one row at a time, read in order. Reading the MR rows side by side would
      // hit one L1 set for every row when the row stride is a multiple of 4 KiB (n = 1024, 2048).
      for (int r = 0; r < GMR; r++) {
        const GT *row = rows + (ptrdiff_t)r * rs;
        // The row MR / 2 rows ahead (memory, not cache: A is read once per slice), so several
        // rows' misses are in flight instead of one short stream at a time.
        const GT *ahead = row + (ptrdiff_t)(GMR / 2) * rs;
        for (size_t p = 0; p < kc; p += 64 / sizeof(GT)) {
          __builtin_prefetch(ahead + p, 0, 0);
        }
        for (size_t p = 0; p < kc; p++) {
          dst[p * GMR + (size_t)r] = row[p];
        }
      }
      dst += kc * GMR;
      continue;
    }
    if (h == GMR) {
      for (size_t p = 0; p < kc; p++) {
        const GT *col = rows + (ptrdiff_t)p * cs;
#pragma GCC unroll 16
        for (int r = 0; r < GMR; r++) {
          dst[r] = col[(ptrdiff_t)r * rs];
        }
        dst += GMR;
      }
      continue;
    }
    for (size_t p = 0; p < kc; p++) {
      const GT *col = rows + (ptrdiff_t)p * cs;
      for (size_t r = 0; r < GMR; r++) {
        dst[r] = r < h ? col[(ptrdiff_t)r * rs] : (GT)0;
      }
      dst += GMR;
    }
  }
}

/*
 * The micro-kernel: acc[MR][NR] = sum over p of ap[p][0:MR] (x) bp[p][0:NR], kept in 2 * MR
 * vector registers; then the MR x NR tile at c (row stride ldc) = alpha * acc, or += when
 * `accumulate`. ap and bp are packed panels, bp vector-aligned.
 */
__attribute__((noinline)) static void GFN(tile)(size_t kc, const GT *restrict ap, const GT *restrict bp, GT *restrict c, ptrdiff_t ldc, GT alpha, int accumulate) {
  // Fetch the C tile into L2 while the loop runs: its rows are ldc apart, and with ldc a
  // multiple of 4 KiB (n = 1024, 2048) they share one L1 set, so without this the epilogue
  // waits on up to 2 * MR misses (measured: 12% of the kernel's time at n = 1024).
#pragma GCC unroll 16
  for (int r = 0; r < GMR; r++) {
    __builtin_prefetch(c + (ptrdiff_t)r * ldc, 1, 2);
    __builtin_prefetch(c + (ptrdiff_t)r * ldc + GNR - 1, 1, 2);
  }
  GV acc0[GMR];
  GV acc1[GMR];
#pragma GCC unroll 16
  for (int r = 0; r < GMR; r++) {
    acc0[r] = (GV){0};
    acc1[r] = (GV){0};
  }
  for (size_t p = 0; p < kc; p++) {
    GV b0 = *(const GV *)bp;
    GV b1 = *(const GV *)(bp + GL);
#pragma GCC unroll 16
    for (int r = 0; r < GMR; r++) {
      GT x = ap[r];
      acc0[r] += x * b0;
      acc1[r] += x * b1;
    }
    ap += GMR;
    bp += GNR;
  }
  if (accumulate) {
#pragma GCC unroll 16
    for (int r = 0; r < GMR; r++) {
      GT *row = c + (ptrdiff_t)r * ldc;
      *(GVU *)row += alpha * acc0[r];
      *(GVU *)(row + GL) += alpha * acc1[r];
    }
  } else {
#pragma GCC unroll 16
    for (int r = 0; r < GMR; r++) {
      GT *row = c + (ptrdiff_t)r * ldc;
      *(GVU *)row = alpha * acc0[r];
      *(GVU *)(row + GL) = alpha * acc1[r];
    }
  }
}

/* A partial tile (h < MR rows or w < NR columns): the full tile into a local one, then its corner. */
static void GFN(edge)(size_t kc, const GT *ap, const GT *bp, GT *c, ptrdiff_t ldc, GT alpha, int accumulate, size_t h, size_t w) {
  GT local[GMR * GNR] __attribute__((aligned(64)));
  GFN(tile)(kc, ap, bp, local, GNR, 1, 0);
  for (size_t i = 0; i < h; i++) {
    GT *row = c + (ptrdiff_t)i * ldc;
    for (size_t j = 0; j < w; j++) {
      row[j] = accumulate ? row[j] + alpha * local[i * GNR + j] : alpha * local[i * GNR + j];
    }
  }
}

/* C[i0:i1, j0:j1] = beta * S (or 0): the start of a block that its tiles then accumulate into. */
static void GFN(init)(const hp_gemm_job *job, size_t i0, size_t i1, size_t j0, size_t j1) {
  GT *C = job->c;
  const GT *S = job->s;
  for (size_t i = i0; i < i1; i++) {
    GT *row = C + (ptrdiff_t)i * job->ldc;
    if (S == NULL) {
      memset(row + j0, 0, (j1 - j0) * sizeof(GT));
      continue;
    }
    const GT *src = S + (ptrdiff_t)i * job->srs;
    for (size_t j = j0; j < j1; j++) {
      row[j] = (GT)(job->beta * (double)src[(ptrdiff_t)j * job->scs]);
    }
  }
}

/* The micro-kernel over an mc x nc block: packed A panels x packed B panels (bp: nc columns' panels). */
static void GFN(block)(const hp_gemm_job *job, const GT *pa, const GT *bp, size_t kc, size_t mc, size_t nc, GT *c, int accumulate) {
  const GT alpha = (GT)job->alpha;
  for (size_t ir = 0; ir < mc; ir += GMR) {
    const size_t h = GEMM_MIN((size_t)GMR, mc - ir);
    const GT *ap = pa + ir * kc;
    GT *row = c + (ptrdiff_t)ir * job->ldc;
    for (size_t jr = 0; jr < nc; jr += GNR) {
      const size_t w = GEMM_MIN((size_t)GNR, nc - jr);
      if (h == GMR && w == GNR) {
        GFN(tile)(kc, ap, bp + jr * kc, row + jr, job->ldc, alpha, accumulate);
      } else {
        GFN(edge)(kc, ap, bp + jr * kc, row + jr, job->ldc, alpha, accumulate, h, w);
      }
    }
  }
}

/* C[i0:i1, j0:j1], B packed a KC x NC block at a time. */
static void GFN(product)(const hp_gemm_job *job, size_t i0, size_t i1, size_t j0, size_t j1, void *scratch) {
  const size_t k = job->k;
  // With a C term (or nothing to multiply) the block starts as beta * S and every tile adds to
  // it; otherwise the first slice of k stores its tiles and C is never read or zero-filled.
  const int initialised = job->s != NULL || k == 0;
  if (initialised) {
    GFN(init)(job, i0, i1, j0, j1);
  }
  const size_t kcmax = GEMM_MIN((size_t)GKC, k);
  const size_t ncmax = GEMM_MIN((size_t)GNC, j1 - j0);
  GT *packed_b = GEMM_ALIGN(scratch);
  GT *packed_a = GEMM_ALIGN(packed_b + (ncmax + GNR - 1) / GNR * GNR * kcmax);
  for (size_t pc = 0; pc < k; pc += GKC) {
    const size_t kc = GEMM_MIN((size_t)GKC, k - pc);
    for (size_t ic = i0; ic < i1; ic += GMC) {
      const size_t mc = GEMM_MIN((size_t)GMC, i1 - ic);
      GFN(pack_a)((const GT *)job->a + (ptrdiff_t)ic * job->ars + (ptrdiff_t)pc * job->acs, job->ars, job->acs, mc, kc, packed_a);
      for (size_t jc = j0; jc < j1; jc += GNC) {
        const size_t nc = GEMM_MIN((size_t)GNC, j1 - jc);
        GFN(pack_b)((const GT *)job->b + (ptrdiff_t)pc * job->brs + (ptrdiff_t)jc * job->bcs, job->brs, job->bcs, kc, nc, packed_b);
        GFN(block)(job, packed_a, packed_b, kc, mc, nc, (GT *)job->c + (ptrdiff_t)ic * job->ldc + (ptrdiff_t)jc, initialised || pc > 0);
      }
    }
  }
}

/*
 * All of C's rows, taken `rows->chunk` at a time from the shared counter (so a thread whose
 * core is busy elsewhere does fewer chunks instead of setting the pace), every column. This
 * thread packs each KC slice of B (all n columns) the first time it needs it and keeps it for
 * its later chunks: scratch holds all of packed B (hp_gemm_keep_bytes).
 */
static void GFN(product_rows)(const hp_gemm_job *job, hp_gemm_rows *rows, void *scratch) {
  const size_t k = job->k;
  const size_t n = job->n;
  const size_t npad = (n + GNR - 1) / GNR * GNR;
  const int initialised = job->s != NULL || k == 0;
  GT *packed_b = GEMM_ALIGN(scratch);
  GT *packed_a = GEMM_ALIGN(packed_b + npad * k);
  size_t packed = 0; /* slices of B packed so far (in order: every chunk walks k upwards) */
  for (;;) {
    const size_t r0 = atomic_fetch_add(&rows->next, 1) * rows->chunk;
    if (r0 >= rows->end) {
      return;
    }
    const size_t r1 = GEMM_MIN(rows->end, r0 + rows->chunk);
    if (initialised) {
      GFN(init)(job, r0, r1, 0, n);
    }
    for (size_t pc = 0, slice = 0; pc < k; pc += GKC, slice++) {
      const size_t kc = GEMM_MIN((size_t)GKC, k - pc);
      GT *bslice = packed_b + pc * npad;
      if (slice >= packed) {
        GFN(pack_b)((const GT *)job->b + (ptrdiff_t)pc * job->brs, job->brs, job->bcs, kc, n, bslice);
        packed = slice + 1;
      }
      for (size_t ic = r0; ic < r1; ic += GMC) {
        const size_t mc = GEMM_MIN((size_t)GMC, r1 - ic);
        GFN(pack_a)((const GT *)job->a + (ptrdiff_t)ic * job->ars + (ptrdiff_t)pc * job->acs, job->ars, job->acs, mc, kc, packed_a);
        for (size_t jc = 0; jc < n; jc += GNC) {
          const size_t nc = GEMM_MIN((size_t)GNC, n - jc);
          GFN(block)(job, packed_a, bslice + jc * kc, kc, mc, nc, (GT *)job->c + (ptrdiff_t)ic * job->ldc + (ptrdiff_t)jc, initialised || pc > 0);
        }
      }
    }
  }
}

#undef GNR
