/*
 * The distance family's kernels, written once with GCC vector extensions and included by each
 * distances_<isa>.c (HP_VEC_BYTES and HP_ISA_SUFFIX set by the build). Per-type bodies are in
 * distances_lloyd.h and distances_pairwise.h, included (through distances_typed.h) once for float and once for double.
 * Tuning per path (set before including this file): HP_LLOYD_CENTROIDS (centroids scored at once
 * against 2 vectors of rows),
 * HP_PAIRWISE_ROWS (rows of pairwiseDistances' micro-tile, by 2 vectors of columns).
 */
#include <math.h>
#include <string.h>

#include "distances.h"

#ifndef HP_LLOYD_CENTROIDS
#define HP_LLOYD_CENTROIDS 4
#endif
/* Centroids per score pass (kpad is a multiple of it), and vectors of rows per group. */
#define LC HP_LLOYD_CENTROIDS
#define LV 2
#ifndef HP_PAIRWISE_ROWS
#define HP_PAIRWISE_ROWS 4
#endif
#define PR HP_PAIRWISE_ROWS

/* 64-bit integer lanes, the result type of comparing hp_vd. */
typedef int64_t hp_vl __attribute__((vector_size(HP_VEC_BYTES)));
/* Half a vector of floats: the float32 values that widen to one hp_vd. */
typedef float hp_vfh __attribute__((vector_size(HP_VEC_BYTES / 2), aligned(4), may_alias));

static const double F64_U = 1.1102230246251565e-16;    /* 2^-53, float64 unit roundoff */
static const double F64_TINY = 4.9406564584124654e-324; /* 2^-1074, float64's smallest step */
static const float F32_U = 5.9604644775390625e-8f;     /* 2^-24 */
static const float F32_TINY = 1.401298464324817e-45f;  /* 2^-149 */

static inline hp_vd widen_f32(const float *p) {
  return __builtin_convertvector(*(const hp_vfh *)p, hp_vd);
}

static inline float root_f32(float v) {
  return sqrtf(v);
}

static inline double root_f64(double v) {
  return sqrt(v);
}

static inline hp_vd widen_f64(const double *p) {
  return *(const hp_vdu *)p;
}

/* Rounding below the normal range: the smallest step per rounding, (d + 2) per score, with margin. */
static inline double tiny_f32(int d) {
  return (double)(4.0f * (float)(d + 2) * F32_TINY);
}

static inline double tiny_f64(int d) {
  return 8.0 * (double)(d + 2) * F64_TINY;
}

/* How far apart two float32 scores must be for the smallest to be the reference's label: each
 * errs by at most u (2 |c|^2 + 2 (d + 1) |x| |c|), the gap twice that, with margin; plus twice
 * the reference's own float64 error, (d + 2) 2^-53 (|x| + |c|)^2 per distance; plus the steps
 * below the normal range. In float32 as on wasm, but with 2 |x| |c| <= |x|^2 + |c|^2 (no square
 * root per row; a larger bound only sends more near-ties to the exact recompute). */
static inline float score_bound_f32(const hp_lloyd_call *a, float x2) {
  const float max_c2 = (float)a->max_c2;
  const float terms = (float)(a->d + 2);
  const float tiny = 4.0f * terms * F32_TINY;
  const float both = x2 + max_c2;
  return 4.5f * F32_U * (2.0f * max_c2 + (terms - 1.0f) * both) + 8.0f * terms * (float)F64_U * both + tiny;
}

/* The same for float64 scores: (d + 1) u (|c|^2 + 2 |x| |c|) each. Any overflow makes it
 * Infinity, so such rows are recomputed. */
static inline double score_bound_f64(const hp_lloyd_call *a, double x2) {
  const double terms = (double)(a->d + 2);
  const double both = x2 + a->max_c2;
  return 4.5 * terms * F64_U * (a->max_c2 + both) + 8 * terms * F64_U * both + tiny_f64(a->d);
}

#define DT_F64 0
#include "distances_typed.h"
#define DT_F64 1
#include "distances_typed.h"

static int lloyd_kpad(int k, int esize) {
  (void)esize;
  return (k + LC - 1) / LC * LC;
}

/* A group of rows transposed (d by LV vectors: the same bytes for either type), then the
 * block's row list (HP_LLOYD_BLOCK int32), then one row of d values (a row + offset). */
static size_t lloyd_scratch_bytes(int d, int esize) {
  return (size_t)d * (size_t)(LV * HP_VEC_BYTES) + 4 * (size_t)HP_LLOYD_BLOCK + (size_t)d * (size_t)esize;
}

static int pairwise_rows_tile(int esize) {
  (void)esize;
  return PR;
}

static int pairwise_cols(int esize) {
  return 2 * HP_VEC_BYTES / esize;
}

/* The row tile of x - mu, [d][PR], and its PR norms. */
static size_t pairwise_scratch_bytes(int d, int esize) {
  return ((size_t)PR * (size_t)d + (size_t)PR) * (size_t)esize;
}

const hp_distances_table HP_TABLE_NAME(hp_distances) = {
    .lloyd_prepare_f32 = lloyd_prepare_f32,
    .lloyd_prepare_f64 = lloyd_prepare_f64,
    .lloyd_block_f32 = lloyd_block_f32,
    .lloyd_block_f64 = lloyd_block_f64,
    .lloyd_kpad = lloyd_kpad,
    .lloyd_scratch_bytes = lloyd_scratch_bytes,
    .pairwise_pack_f32 = pairwise_pack_f32,
    .pairwise_pack_f64 = pairwise_pack_f64,
    .pairwise_rows_f32 = pairwise_rows_f32,
    .pairwise_rows_f64 = pairwise_rows_f64,
    .pairwise_rows_tile = pairwise_rows_tile,
    .pairwise_cols = pairwise_cols,
    .pairwise_scratch_bytes = pairwise_scratch_bytes,
};
