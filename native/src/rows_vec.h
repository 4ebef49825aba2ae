/*
 * Vector helpers and exp for the rows family (included by rows_impl.h, once per path, with
 * HP_VEC_BYTES set). Everything is GCC vector extensions, so each path gets its own width.
 */
#ifndef HOTPATH_ROWS_VEC_H
#define HOTPATH_ROWS_VEC_H
#include <math.h>
#include <string.h>
#include "rows.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Half a float vector: as many lanes as hp_vd, for float32 -> float64 conversions. */
typedef float hp_vfh __attribute__((vector_size(HP_VEC_BYTES / 2)));
typedef uint32_t hp_vu __attribute__((vector_size(HP_VEC_BYTES)));
typedef int64_t hp_vl __attribute__((vector_size(HP_VEC_BYTES)));
typedef uint64_t hp_vul __attribute__((vector_size(HP_VEC_BYTES)));

#define VF HP_VF_LANES
#define VD HP_VD_LANES
#define HP_INLINE static inline __attribute__((always_inline))

HP_INLINE hp_vf vf_splat(float v) {
  return (hp_vf){0} + v;
}
HP_INLINE hp_vd vd_splat(double v) {
  return (hp_vd){0} + v;
}
HP_INLINE hp_vf vf_load(const float *p) {
  return *(const hp_vfu *)p;
}
HP_INLINE void vf_store(float *p, hp_vf v) {
  *(hp_vfu *)p = v;
}
HP_INLINE hp_vd vd_load(const double *p) {
  return *(const hp_vdu *)p;
}
HP_INLINE void vd_store(double *p, hp_vd v) {
  *(hp_vdu *)p = v;
}
/* name_load_part: the first `count` lanes from p, the others `fill` (tails shorter than a
 * vector); name_store_part: stores the first `count` lanes. One pair per lane type. */
#define HP_PART_HELPERS(name, vec, elem, lanes)                                   \
  HP_INLINE vec name##_load_part(const elem *p, size_t count, elem fill) {        \
    elem buffer[lanes];                                                           \
    for (int l = 0; l < (lanes); l++) {                                           \
      buffer[l] = (size_t)l < count ? p[l] : fill;                                \
    }                                                                             \
    vec v;                                                                        \
    memcpy(&v, buffer, sizeof v);                                                 \
    return v;                                                                     \
  }                                                                               \
  HP_INLINE void name##_store_part(elem *p, size_t count, vec v) {                \
    elem buffer[lanes];                                                           \
    memcpy(buffer, &v, sizeof v);                                                 \
    for (size_t l = 0; l < count; l++) {                                          \
      p[l] = buffer[l];                                                           \
    }                                                                             \
  }
HP_PART_HELPERS(vf, hp_vf, float, VF)
HP_PART_HELPERS(vd, hp_vd, double, VD)
/* Lane indices of a float vector's halves, for __builtin_shufflevector (GCC 12). */
#if HP_VEC_BYTES == 64
#define HP_LOW_LANES 0, 1, 2, 3, 4, 5, 6, 7
#define HP_HIGH_LANES 8, 9, 10, 11, 12, 13, 14, 15
#define HP_ALL_LANES 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#elif HP_VEC_BYTES == 32
#define HP_LOW_LANES 0, 1, 2, 3
#define HP_HIGH_LANES 4, 5, 6, 7
#define HP_ALL_LANES 0, 1, 2, 3, 4, 5, 6, 7
#elif HP_VEC_BYTES == 16
#define HP_LOW_LANES 0, 1
#define HP_HIGH_LANES 2, 3
#define HP_ALL_LANES 0, 1, 2, 3
#else
#define HP_LOW_LANES 0
#define HP_HIGH_LANES 1
#define HP_ALL_LANES 0, 1
#endif

/* The low and high halves of a float vector, widened to float64. GCC 12 lowers
 * __builtin_convertvector's widening in 128-bit pieces, so x86 paths use the one instruction. */
#if HP_VEC_BYTES == 64 && defined(__AVX512F__)
HP_INLINE hp_vd vf_low_d(hp_vf v) {
  return (hp_vd)_mm512_cvtps_pd(_mm512_castps512_ps256((__m512)v));
}
HP_INLINE hp_vd vf_high_d(hp_vf v) {
  return (hp_vd)_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd((__m512d)v, 1)));
}
#elif HP_VEC_BYTES == 32 && defined(__AVX__)
HP_INLINE hp_vd vf_low_d(hp_vf v) {
  return (hp_vd)_mm256_cvtps_pd(_mm256_castps256_ps128((__m256)v));
}
HP_INLINE hp_vd vf_high_d(hp_vf v) {
  return (hp_vd)_mm256_cvtps_pd(_mm256_extractf128_ps((__m256)v, 1));
}
#else
HP_INLINE hp_vd vf_low_d(hp_vf v) {
  return __builtin_convertvector(__builtin_shufflevector(v, v, HP_LOW_LANES), hp_vd);
}
HP_INLINE hp_vd vf_high_d(hp_vf v) {
  return __builtin_convertvector(__builtin_shufflevector(v, v, HP_HIGH_LANES), hp_vd);
}
#endif
/* name_load_width / name_store_width: lanes [0, width) of a vector step, a plain load or store
 * when the step is a whole vector (the column walk's steps are, but for the last). */
#define HP_WIDTH_HELPERS(name, vec, elem, lanes)                          \
  HP_INLINE vec name##_load_width(const elem *p, size_t width, elem fill) { \
    if (width == (size_t)(lanes)) {                                       \
      return *(const vec##u *)p;                                          \
    }                                                                     \
    return name##_load_part(p, width, fill);                              \
  }                                                                       \
  HP_INLINE void name##_store_width(elem *p, size_t width, vec v) {       \
    if (width == (size_t)(lanes)) {                                       \
      *(vec##u *)p = v;                                                   \
    } else {                                                              \
      name##_store_part(p, width, v);                                     \
    }                                                                     \
  }
HP_WIDTH_HELPERS(vf, hp_vf, float, VF)
HP_WIDTH_HELPERS(vd, hp_vd, double, VD)

/* A non-temporal store of a whole vector at p, aligned to HP_VEC_BYTES (a plain store on paths
 * without one); hp_stream_fence orders them before the pool reports the work done. */
HP_INLINE void vf_stream(float *p, hp_vf v) {
#if HP_VEC_BYTES == 64 && defined(__AVX512F__)
  _mm512_stream_ps(p, (__m512)v);
#elif HP_VEC_BYTES == 32 && defined(__AVX__)
  _mm256_stream_ps(p, (__m256)v);
#else
  vf_store(p, v);
#endif
}
HP_INLINE void hp_stream_fence(void) {
#if defined(__x86_64__)
  _mm_sfence();
#endif
}

/* Lanes [j, j + count) of an output row (count <= VF; lanes past count are ignored). */
typedef hp_vf (*vf_lanes)(const void *ctx, size_t j, size_t count);

/* y[0, n) = f's lanes, in vectors: streamed when `stream` (a plain store up to the first aligned
 * address, then aligned non-temporal stores), plain otherwise; the tail stores only its lanes. */
HP_INLINE void vf_write_row(float *y, size_t n, int stream, vf_lanes f, const void *ctx) {
  size_t j = 0;
  if (stream) {
    size_t head = (HP_VEC_BYTES - (uintptr_t)y % HP_VEC_BYTES) % HP_VEC_BYTES / sizeof(float);
    head = head < n ? head : n;
    if (head > 0) {
      vf_store_part(y, head, f(ctx, 0, head));
    }
    for (j = head; j + VF <= n; j += VF) {
      vf_stream(y + j, f(ctx, j, VF));
    }
  } else {
    for (; j + VF <= n; j += VF) {
      vf_store(y + j, f(ctx, j, VF));
    }
  }
  if (j < n) {
    vf_store_part(y + j, n - j, f(ctx, j, n - j));
  }
}

/* Two float64 vectors narrowed (rounded) into one float vector: lo's lanes first. */
HP_INLINE hp_vf vd_pair_f(hp_vd lo, hp_vd hi) {
  hp_vfh a = __builtin_convertvector(lo, hp_vfh);
  hp_vfh b = __builtin_convertvector(hi, hp_vfh);
  return __builtin_shufflevector(a, b, HP_ALL_LANES);
}
HP_INLINE double vd_sum(hp_vd v) {
  double s = 0;
  for (int l = 0; l < VD; l++) {
    s += v[l];
  }
  return s;
}
/* Largest lane; NaN lanes are skipped (callers get NaN through the sums instead). */
HP_INLINE float vf_max_lanes(hp_vf v) {
  float m = v[0];
  for (int l = 1; l < VF; l++) {
    m = v[l] > m ? v[l] : m;
  }
  return m;
}
HP_INLINE double vd_max_lanes(hp_vd v) {
  double m = v[0];
  for (int l = 1; l < VD; l++) {
    m = v[l] > m ? v[l] : m;
  }
  return m;
}
/* Lane-wise a > b ? a : b (x86 maxps order: a NaN in `a` is skipped); one instruction on x86. */
HP_INLINE hp_vf vf_max(hp_vf a, hp_vf b) {
#if HP_VEC_BYTES == 64 && defined(__AVX512F__)
  return (hp_vf)_mm512_max_ps((__m512)a, (__m512)b);
#elif HP_VEC_BYTES == 32 && defined(__AVX__)
  return (hp_vf)_mm256_max_ps((__m256)a, (__m256)b);
#else
  hp_vi take = a > b;
  return (hp_vf)(((hp_vi)a & take) | ((hp_vi)b & ~take));
#endif
}
/* Lane-wise a < b ? a : b (x86 minps order: a NaN in `a` is skipped). */
HP_INLINE hp_vf vf_min(hp_vf a, hp_vf b) {
#if HP_VEC_BYTES == 64 && defined(__AVX512F__)
  return (hp_vf)_mm512_min_ps((__m512)a, (__m512)b);
#elif HP_VEC_BYTES == 32 && defined(__AVX__)
  return (hp_vf)_mm256_min_ps((__m256)a, (__m256)b);
#else
  hp_vi take = a < b;
  return (hp_vf)(((hp_vi)a & take) | ((hp_vi)b & ~take));
#endif
}
HP_INLINE hp_vd vd_max(hp_vd a, hp_vd b) {
  hp_vl take = a > b;
  return (hp_vd)(((hp_vl)a & take) | ((hp_vl)b & ~take));
}
/* name(x, n): the largest element of x[0, n) (NaN skipped: see rows_softmax.h), four vectors a
 * step. */
#define HP_LINE_MAX(name, vec, elem, lanes, vmax, splat, max_lanes)   \
  static elem name(const elem *x, size_t n) {                          \
    vec m0 = splat(-INFINITY), m1 = m0, m2 = m0, m3 = m0;              \
    size_t j = 0;                                                      \
    for (; j + 4 * (lanes) <= n; j += 4 * (lanes)) {                   \
      m0 = vmax(*(const vec##u *)(x + j), m0);                         \
      m1 = vmax(*(const vec##u *)(x + j + (lanes)), m1);               \
      m2 = vmax(*(const vec##u *)(x + j + 2 * (lanes)), m2);           \
      m3 = vmax(*(const vec##u *)(x + j + 3 * (lanes)), m3);           \
    }                                                                  \
    for (; j + (lanes) <= n; j += (lanes)) {                           \
      m0 = vmax(*(const vec##u *)(x + j), m0);                         \
    }                                                                  \
    elem top = max_lanes(vmax(vmax(m0, m1), vmax(m2, m3)));            \
    for (; j < n; j++) {                                               \
      top = x[j] > top ? x[j] : top;                                   \
    }                                                                  \
    return top;                                                        \
  }

/* v with lanes where `drop` is set zeroed. */
HP_INLINE hp_vf vf_zero_where(hp_vi drop, hp_vf v) {
  return (hp_vf)((hp_vi)v & ~drop);
}
HP_INLINE hp_vd vd_zero_where(hp_vl drop, hp_vd v) {
  return (hp_vd)((hp_vl)v & ~drop);
}

/* The rounding error of s = a + b, exactly (Knuth's TwoSum): a + b = s + low. */
HP_INLINE hp_vf vf_two_sum_low(hp_vf a, hp_vf b, hp_vf s) {
  hp_vf bb = s - a;
  return (a - (s - bb)) + (b - bb);
}
HP_INLINE hp_vd vd_two_sum_low(hp_vd a, hp_vd b, hp_vd s) {
  hp_vd bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

#endif
