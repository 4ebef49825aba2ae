/*
 * layerNorm kernels of the rows family (included by rows_impl.h; see rows.h). One group is
 * `inner` contiguous elements; its statistics come from one walk, its output from a second that
 * finds the group in L1/L2 (a 1024-element float32 group is 4 KiB): x is read from memory once.
 *
 * float32, the usual case: float64 sums of d = x - P and d^2, P a pilot (the mean of the first
 * 16 elements), give mean = P + S1 / n and var = S2 / n - (S1 / n)^2. In float64 the subtraction
 * costs at most 16 of 53 bits while var >= (S2 / n) / 2^16, which is checked; then the output
 * y = ((x - K) - s) * invStd * scale + bias in float32, K the mean rounded to float32 and s its
 * residual (x - K is exact for x near K, so x = 3000 + small noise keeps its noise).
 * Anything else (cancellation past that, sums beyond 1e60 where x - K could overflow float32,
 * Inf or NaN) takes group_wide: the reference's own steps in float64 (sum, mean, centred
 * squares, output rounded once), so special values come out as there.
 */
#include <math.h>
#include "rows_vec.h"

/* The reference's steps in float64 for one float32 group (the rare path). */
static void group_wide_f32(const float *x, size_t n, const float *scale, const float *bias, double eps, float *y, float *mean, float *inv_std) {
  hp_vd a0 = vd_splat(0), a1 = a0;
  size_t j = 0;
  for (; j + VF <= n; j += VF) {
    hp_vf v = vf_load(x + j);
    a0 += vf_low_d(v);
    a1 += vf_high_d(v);
  }
  double sum = vd_sum(a0 + a1);
  for (; j < n; j++) {
    sum += x[j];
  }
  double mu = sum / (double)n;
  double squares = 0;
  for (j = 0; j < n; j++) {
    double d = (double)x[j] - mu;
    squares += d * d;
  }
  double r = 1.0 / sqrt(squares / (double)n + eps);
  for (j = 0; j < n; j++) {
    double w = ((double)x[j] - mu) * r;
    if (scale != NULL) {
      w *= scale[j];
    }
    if (bias != NULL) {
      w += bias[j];
    }
    y[j] = (float)w;
  }
  *mean = (float)mu;
  *inv_std = (float)r;
}

/* ((x - K) - s) * r, times scale and plus bias where present: lanes [j, j + count) of a group's
 * output, one function per variant so each loop has no branches. */
typedef struct {
  const float *x, *scale, *bias;
  hp_vf k, s, r;
} norm_lanes_ctx;

HP_INLINE hp_vf norm_lanes(const void *c, size_t j, size_t count, int has_scale, int has_bias) {
  const norm_lanes_ctx *q = c;
  hp_vf w = ((vf_load_width(q->x + j, count, 0) - q->k) - q->s) * q->r;
  if (has_scale) {
    w *= vf_load_width(q->scale + j, count, 0);
  }
  if (has_bias) {
    w += vf_load_width(q->bias + j, count, 0);
  }
  return w;
}
static hp_vf norm_plain(const void *c, size_t j, size_t count) {
  return norm_lanes(c, j, count, 0, 0);
}
static hp_vf norm_scale(const void *c, size_t j, size_t count) {
  return norm_lanes(c, j, count, 1, 0);
}
static hp_vf norm_bias(const void *c, size_t j, size_t count) {
  return norm_lanes(c, j, count, 0, 1);
}
static hp_vf norm_affine(const void *c, size_t j, size_t count) {
  return norm_lanes(c, j, count, 1, 1);
}

static void group_f32(const float *x, size_t n, const float *scale, const float *bias, double eps, float *y, float *mean, float *inv_std, int stream) {
  size_t pilot_count = n < 16 ? n : 16;
  double pilot = 0;
  for (size_t j = 0; j < pilot_count; j++) {
    pilot += x[j];
  }
  pilot /= (double)pilot_count;
  hp_vd a0 = vd_splat(0), a1 = a0, b0 = a0, b1 = a0;
  size_t j = 0;
  for (; j + VF <= n; j += VF) {
    hp_vf v = vf_load(x + j);
    hp_vd d0 = vf_low_d(v) - pilot;
    hp_vd d1 = vf_high_d(v) - pilot;
    a0 += d0;
    a1 += d1;
    b0 += d0 * d0;
    b1 += d1 * d1;
  }
  double s1 = vd_sum(a0 + a1);
  double s2 = vd_sum(b0 + b1);
  for (; j < n; j++) {
    double d = (double)x[j] - pilot;
    s1 += d;
    s2 += d * d;
  }
  double m1 = s1 / (double)n;
  double sq = s2 / (double)n;
  double var = sq - m1 * m1;
  /* Also false for NaN and Inf sums. */
  if (!(sq <= 1e60 && var >= sq * 0x1p-16 && isfinite(m1))) {
    group_wide_f32(x, n, scale, bias, eps, y, mean, inv_std);
    return;
  }
  double mu = pilot + m1;
  double r = 1.0 / sqrt(var + eps);
  float k = (float)mu;
  norm_lanes_ctx q = {x, scale, bias, vf_splat(k), vf_splat((float)(mu - (double)k)), vf_splat((float)r)};
  /* One call per variant: each inlines its lanes function (no call per vector). */
  if (scale != NULL && bias != NULL) {
    vf_write_row(y, n, stream, norm_affine, &q);
  } else if (scale != NULL) {
    vf_write_row(y, n, stream, norm_scale, &q);
  } else if (bias != NULL) {
    vf_write_row(y, n, stream, norm_bias, &q);
  } else {
    vf_write_row(y, n, stream, norm_plain, &q);
  }
  *mean = (float)mu;
  *inv_std = (float)r;
}

/* float64: the reference's steps (sum, mean, centred squares, output) in vector lanes. */
static void group_f64(const double *x, size_t n, const double *scale, const double *bias, double eps, double *y, double *mean, double *inv_std) {
  hp_vd a0 = vd_splat(0), a1 = a0;
  size_t j = 0;
  for (; j + 2 * VD <= n; j += 2 * VD) {
    a0 += vd_load(x + j);
    a1 += vd_load(x + j + VD);
  }
  double sum = vd_sum(a0 + a1);
  for (; j < n; j++) {
    sum += x[j];
  }
  double mu = sum / (double)n;
  hp_vd vmu = vd_splat(mu);
  a0 = vd_splat(0);
  a1 = a0;
  for (j = 0; j + 2 * VD <= n; j += 2 * VD) {
    hp_vd d0 = vd_load(x + j) - vmu;
    hp_vd d1 = vd_load(x + j + VD) - vmu;
    a0 += d0 * d0;
    a1 += d1 * d1;
  }
  double squares = vd_sum(a0 + a1);
  for (; j < n; j++) {
    double d = x[j] - mu;
    squares += d * d;
  }
  double r = 1.0 / sqrt(squares / (double)n + eps);
  hp_vd vr = vd_splat(r);
  for (j = 0; j + VD <= n; j += VD) {
    hp_vd w = (vd_load(x + j) - vmu) * vr;
    if (scale != NULL) {
      w *= vd_load(scale + j);
    }
    if (bias != NULL) {
      w += vd_load(bias + j);
    }
    vd_store(y + j, w);
  }
  for (; j < n; j++) {
    double w = (x[j] - mu) * r;
    if (scale != NULL) {
      w *= scale[j];
    }
    if (bias != NULL) {
      w += bias[j];
    }
    y[j] = w;
  }
  *mean = mu;
  *inv_std = r;
}

static void layer_norm_f32(const hp_rows_norm *p, size_t begin, size_t end) {
  const float *x = p->x;
  for (size_t r = begin; r < end; r++) {
    group_f32(x + hp_rows_outer(r, p->o1, p->o2, p->xs), p->inner, p->scale, p->bias, p->epsilon, (float *)p->y + r * p->inner, (float *)p->mean + r, (float *)p->inv_std + r, p->stream);
  }
  hp_stream_fence();
}

static void layer_norm_f64(const hp_rows_norm *p, size_t begin, size_t end) {
  const double *x = p->x;
  for (size_t r = begin; r < end; r++) {
    group_f64(x + hp_rows_outer(r, p->o1, p->o2, p->xs), p->inner, p->scale, p->bias, p->epsilon, (double *)p->y + r * p->inner, (double *)p->mean + r, (double *)p->inv_std + r);
  }
}
