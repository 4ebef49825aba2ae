/*
 * The GEMM family (matmul and gemm, float32 and float64): C = alpha * A B (+ beta * S), with A
 * [m, k] and B [k, n] read through any element strides and C row-major, in the GotoBLAS / BLIS
 * structure (gemm_impl.h): A packed in MC x KC blocks of MR-row panels, B in KC x NC blocks of
 * NR-column panels, an MR x NR register-blocked micro-kernel per instruction set.
 */
#ifndef HOTPATH_GEMM_H
#define HOTPATH_GEMM_H
#include <stdatomic.h>

#include "hotpath.h"

/* One product; strides and ldc in elements (any sign, 0 broadcasts), pointers already checked. */
typedef struct {
  const void *a;
  ptrdiff_t ars, acs;
  const void *b;
  ptrdiff_t brs, bcs;
  void *c; /* row-major output, row stride ldc */
  ptrdiff_t ldc;
  const void *s; /* the C term of gemm (beta * S added), or NULL */
  ptrdiff_t srs, scs;
  size_t m, n, k;
  double alpha, beta;
} hp_gemm_job;

/* Blocking of one dtype on one path (elements); MC and NC are multiples of MR and NR. */
typedef struct {
  int mr, nr, kc, mc, nc;
} hp_gemm_blocking;

/*
 * product(job, i0, i1, j0, j1, scratch): the block C[i0:i1, j0:j1] of the job. `scratch`
 * holds hp_gemm_scratch_bytes(blocking, i1 - i0, j1 - j0, ...) bytes: this thread's packed panels.
 */
typedef void (*hp_gemm_product)(const hp_gemm_job *job, size_t i0, size_t i1, size_t j0, size_t j1, void *scratch);

/* Rows of C handed out `chunk` at a time (chunk a multiple of MR) from a counter the threads share. */
typedef struct {
  _Atomic size_t next; /* chunks taken */
  size_t chunk;        /* rows per chunk */
  size_t end;          /* m */
} hp_gemm_rows;

/* product_rows(job, rows, scratch): every column of the rows this thread takes from `rows`;
 * scratch holds hp_gemm_keep_bytes(...) bytes (all of B packed, kept across its chunks). */
typedef void (*hp_gemm_product_rows)(const hp_gemm_job *job, hp_gemm_rows *rows, void *scratch);

typedef struct {
  hp_gemm_product f32, f64;
  hp_gemm_product_rows rows32, rows64;
  hp_gemm_blocking b32, b64;
} hp_gemm_table;

/* Bytes of packing scratch one thread needs for a rows x cols block of C (packed B, packed A). */
static inline size_t hp_gemm_scratch_bytes(const hp_gemm_blocking *bl, size_t rows, size_t cols, size_t elem, size_t k) {
  size_t kc = k < (size_t)bl->kc ? (k == 0 ? 1 : k) : (size_t)bl->kc;
  size_t nc = cols < (size_t)bl->nc ? cols : (size_t)bl->nc;
  size_t mc = rows < (size_t)bl->mc ? rows : (size_t)bl->mc;
  size_t nr = (size_t)bl->nr, mr = (size_t)bl->mr;
  return (((nc + nr - 1) / nr * nr + (mc + mr - 1) / mr * mr) * kc) * elem + 128;
}

/* Bytes of scratch for product_rows: all of B packed (k x n rounded up to NR) and one chunk of A. */
static inline size_t hp_gemm_keep_bytes(const hp_gemm_blocking *bl, size_t chunk, size_t n, size_t elem, size_t k) {
  size_t kc = k < (size_t)bl->kc ? (k == 0 ? 1 : k) : (size_t)bl->kc;
  size_t nr = (size_t)bl->nr, mr = (size_t)bl->mr;
  size_t mc = chunk < (size_t)bl->mc ? chunk : (size_t)bl->mc;
  return ((n + nr - 1) / nr * nr * k + (mc + mr - 1) / mr * mr * kc) * elem + 128;
}

HP_DECLARE_TABLES(hp_gemm_table, hp_gemm)
#endif
