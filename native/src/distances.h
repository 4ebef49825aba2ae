/*
 * The distance family: lloyd / hamerly (the fused k-means assignment step, exact: bit-equal to
 * the reference on every path and thread count) and pairwiseDistances (a centred GEMM form with
 * direct recomputation wherever it could cancel). Kernels per path in distances_impl.h; threads,
 * scratch and the N-API side in distances.c.
 */
#ifndef HOTPATH_DISTANCES_H
#define HOTPATH_DISTANCES_H
#include "hotpath.h"

/* Rows per block of lloyd's blockwise sums: src/kernels/lloyd.ts LLOYD_BLOCK (the JavaScript side
 * passes it, so the two cannot drift apart silently: the glue checks it). */
#define HP_LLOYD_BLOCK 2048

/* One lloyd (or hamerly) call, as the glue sets it up for the per-block kernel. Pointers are
 * into the heap or the glue's scratch; strides are in elements; x, c and w share one float
 * dtype (float or double: `esize` 4 or 8). */
typedef struct {
  const void *x;          /* [n, d], rows contiguous, row stride xrs */
  size_t xrs;
  int d;
  const void *w;          /* weights [n] at stride ws, or NULL */
  size_t ws;
  const void *c;          /* centroids [k, d], rows contiguous, row stride crs */
  size_t crs;
  int k;
  const void *ct;         /* centroids transposed, [d][kpad], padding centroids 0 */
  const void *cn;         /* their squared norms [kpad] (dtype of x; +Inf for padding) */
  int kpad;
  double max_c2, max_c;   /* largest squared centroid norm (from cn; NaN if any is) and its root */
  int32_t *labels;        /* out [n] */
  double *slots;          /* per block of the wave: k * d sums then k counts */
  size_t row_start;       /* first row of the wave's first block */
  size_t row_end;
  /* hamerly's hints (hints == NULL: plain lloyd) */
  const int32_t *hints;   /* previous labels [n] */
  const double *bounds_in;/* [n, 2] upper, lower for the previous centroids */
  double *bounds_out;     /* [n, 2] or NULL */
  const double *drift;    /* [k], finite and >= 0 */
  int top_drift;
  double max_drift, second_drift;
  /* hamerly's offset [d] (dtype of x) added to every row as it is read, or NULL */
  const void *offset;
} hp_lloyd_call;

/* pairwiseDistances, sqeuclidean (mode 0) or euclidean (mode 1), float32 or float64. */
typedef struct {
  const void *x;          /* [n, d] at strides xrs, xcs (elements) */
  size_t xrs, xcs;
  const void *y;          /* [m, d] at strides yrs, ycs */
  size_t yrs, ycs;
  size_t n, m;
  int d;
  int mode;
  void *out;              /* [n, m] row-major */
  const void *mu;         /* [d] the centre (dtype of x) */
  void *packed_y;         /* y - mu in column panels (see the impl), with norms */
  void *norms_y;          /* [m padded] squared norms of y - mu */
} hp_pairwise_call;

typedef struct {
  /* lloyd: centroids transposed and their norms (single-threaded, k * d work) */
  void (*lloyd_prepare_f32)(const hp_lloyd_call *call, float *ct, float *cn);
  void (*lloyd_prepare_f64)(const hp_lloyd_call *call, double *ct, double *cn);
  /* lloyd: block `block` of the wave (rows row_start + block * HP_LLOYD_BLOCK ...) into slot
   * `block`; scratch: lloyd_scratch_bytes(d, esize) bytes of this thread's own. */
  void (*lloyd_block_f32)(const hp_lloyd_call *call, size_t block, void *scratch);
  void (*lloyd_block_f64)(const hp_lloyd_call *call, size_t block, void *scratch);
  /* The centroid padding this path's score kernel needs (kpad is a multiple of it). */
  int (*lloyd_kpad)(int k, int esize);
  size_t (*lloyd_scratch_bytes)(int d, int esize);
  /* pairwiseDistances: packs y's columns [j0, j1) (a multiple of pairwise_cols(esize) apart) */
  void (*pairwise_pack_f32)(const hp_pairwise_call *call, size_t j0, size_t j1);
  void (*pairwise_pack_f64)(const hp_pairwise_call *call, size_t j0, size_t j1);
  /* rows [i0, i1) of out; scratch: pairwise_scratch_bytes(d, esize) of this thread's own */
  void (*pairwise_rows_f32)(const hp_pairwise_call *call, size_t i0, size_t i1, void *scratch);
  void (*pairwise_rows_f64)(const hp_pairwise_call *call, size_t i0, size_t i1, void *scratch);
  int (*pairwise_rows_tile)(int esize);   /* rows per micro-tile (row splits align to it) */
  int (*pairwise_cols)(int esize);        /* columns per packed panel */
  size_t (*pairwise_scratch_bytes)(int d, int esize);
} hp_distances_table;

HP_DECLARE_TABLES(hp_distances_table, hp_distances)

/* This thread's scratch of at least `bytes` (64-byte aligned), or NULL (a JS error thrown);
 * distances_scratch.c. */
void *hp_dist_scratch(napi_env env, size_t bytes);

static inline size_t hp_round64(size_t bytes) {
  return (bytes + 63) / 64 * 64;
}

/* Bytes spanned by a [rows, cols] view at strides rs, cs (elements, non-negative; 0 when empty). */
static inline double hp_extent(double rows, double cols, double rs, double cs, double esize) {
  return rows == 0 || cols == 0 ? 0 : ((rows - 1) * rs + (cols - 1) * cs + 1) * esize;
}
#endif
