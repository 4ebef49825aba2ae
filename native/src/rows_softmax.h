/*
 * softmax / logSoftmax kernels of the rows family (included by rows_impl.h; see rows.h).
 *
 * A line along the last axis is walked three times: its max (from memory), then e = exp(x - max)
 * stored in y with its sum (float64 accumulators), then y *= 1 / sum; the second and third walks
 * find the line in L1/L2 (a [., 1024] float32 line is 4 KiB), so memory sees x read once and y
 * written once. logSoftmax needs no stored exp: max, the sum, then y = (x - max) - log(sum).
 * x - max is split exactly into hi + lo (TwoSum) and exp takes both: in float32 the shift alone
 * carries eps * |x - max|, which exp turns into many ulp for small outputs.
 * NaN: the max skips NaN, but a NaN element makes its exp, the sum and so the whole line NaN,
 * as in the reference; a line of -Inf gives NaN (-Inf - -Inf), as there.
 */
#include <math.h>
#include "rows_exp.h"

/* libm's log under another name: the kernels' `log` flag shadows it. */
static double log_double(double v) {
  return log(v);
}

HP_LINE_MAX(line_max_f32, hp_vf, float, VF, vf_max, vf_splat, vf_max_lanes)

/* hi = x - top (nt = -top) and its exact rounding error; exp(hi, lo) = e^(x - top). */
HP_INLINE hp_vf shifted_exp_f32(hp_vf x, hp_vf nt, hp_vf *hi) {
  *hi = x + nt;
  return vf_exp_nonpositive(*hi, vf_two_sum_low(x, nt, *hi));
}

/* logSoftmax's output: (x - top) - log(sum) with the shift's low part added back (dropped
 * where it is NaN: a shift of -Inf, whose output is -Inf as in the reference). */
HP_INLINE hp_vf log_out_f32(hp_vf x, hp_vf nt, hp_vf logsum) {
  hp_vf hi = x + nt;
  hp_vf lo = vf_two_sum_low(x, nt, hi);
  return (hi - logsum) + vf_zero_where(lo != lo, lo);
}

/* A line's exps wait here (16 KiB of the thread's stack) when y is streamed, so y is written
 * once; longer lines keep them in y. */
#define HP_ROWS_SCRATCH 4096

typedef struct {
  const float *x;
  hp_vf nt, logsum;
} log_lanes_ctx;

static hp_vf log_lanes(const void *c, size_t j, size_t count) {
  const log_lanes_ctx *k = c;
  return log_out_f32(vf_load_width(k->x + j, count, 0), k->nt, k->logsum);
}

typedef struct {
  const float *e;
  hp_vf inv;
} scale_lanes_ctx;

static hp_vf scale_lanes(const void *c, size_t j, size_t count) {
  const scale_lanes_ctx *k = c;
  return vf_load_width(k->e + j, count, 0) * k->inv;
}

static void line_f32(const void *xv, void *yv, size_t n, int log, int stream) {
  const float *x = xv;
  float *y = yv;
  float scratch[HP_ROWS_SCRATCH];
  float *e = stream && n <= HP_ROWS_SCRATCH ? scratch : y;
  hp_vf nt = vf_splat(-line_max_f32(x, n));
  hp_vd s0 = vd_splat(0), s1 = s0;
  size_t j = 0;
  hp_vf hi;
  for (; j + 4 * VF <= n; j += 4 * VF) {
    hp_vf ea = shifted_exp_f32(vf_load(x + j), nt, &hi);
    hp_vf eb = shifted_exp_f32(vf_load(x + j + VF), nt, &hi);
    hp_vf ec = shifted_exp_f32(vf_load(x + j + 2 * VF), nt, &hi);
    hp_vf ed = shifted_exp_f32(vf_load(x + j + 3 * VF), nt, &hi);
    if (!log) {
      vf_store(e + j, ea);
      vf_store(e + j + VF, eb);
      vf_store(e + j + 2 * VF, ec);
      vf_store(e + j + 3 * VF, ed);
    }
    /* Three float32 roundings (each 2^-24 relative at most: the terms are positive) before
     * float64: the sum stays within 1.5 ulp whatever the line length. */
    hp_vf quad = (ea + eb) + (ec + ed);
    s0 += vf_low_d(quad);
    s1 += vf_high_d(quad);
  }
  for (; j < n; j += VF) {
    size_t count = n - j < (size_t)VF ? n - j : (size_t)VF;
    /* Lanes past the end are -Inf: their exp is 0. */
    hp_vf ev = shifted_exp_f32(vf_load_part(x + j, count, -INFINITY), nt, &hi);
    if (!log) {
      vf_store_part(e + j, count, ev);
    }
    s0 += vf_low_d(ev);
    s1 += vf_high_d(ev);
  }
  double sum = vd_sum(s0 + s1);
  if (log) {
    log_lanes_ctx k = {x, nt, vf_splat((float)log_double(sum))};
    vf_write_row(y, n, stream, log_lanes, &k);
    return;
  }
  scale_lanes_ctx k = {e, vf_splat((float)(1.0 / sum))};
  vf_write_row(y, n, stream && e != y, scale_lanes, &k);
}

/* `width` <= VF neighbouring lines at once (the axis is not the last dim): lane l walks line
 * l, element i at x + i * xa + l; y's lines are contiguous with stride `inner`. */
static void columns_f32(const void *xv, void *yv, size_t n, ptrdiff_t xa, size_t inner, size_t width, int log) {
  const float *x = xv;
  float *y = yv;
  hp_vf m = vf_splat(-INFINITY);
  for (size_t i = 0; i < n; i++) {
    m = vf_max(vf_load_width(x + (ptrdiff_t)i * xa, width, -INFINITY), m);
  }
  hp_vf nt = -m;
  hp_vd s0 = vd_splat(0), s1 = s0;
  hp_vf hi;
  for (size_t i = 0; i < n; i++) {
    hp_vf e = shifted_exp_f32(vf_load_width(x + (ptrdiff_t)i * xa, width, -INFINITY), nt, &hi);
    if (!log) {
      vf_store_width(y + i * inner, width, e);
    }
    s0 += vf_low_d(e);
    s1 += vf_high_d(e);
  }
  if (log) {
    hp_vd l0, l1;
    for (int l = 0; l < VD; l++) {
      l0[l] = log_double(s0[l]);
      l1[l] = log_double(s1[l]);
    }
    hp_vf logsum = vd_pair_f(l0, l1);
    for (size_t i = 0; i < n; i++) {
      vf_store_width(y + i * inner, width, log_out_f32(vf_load_width(x + (ptrdiff_t)i * xa, width, 0), nt, logsum));
    }
    return;
  }
  hp_vf inv = vd_pair_f(1.0 / s0, 1.0 / s1);
  for (size_t i = 0; i < n; i++) {
    vf_store_width(y + i * inner, width, vf_load_width(y + i * inner, width, 0) * inv);
  }
}

/* The units [begin, end) of a call (rows.h): lines along the last axis one by one, or blocks
 * of HP_ROWS_COLUMNS side-by-side lines in steps of `lanes`; `bytes` per element. */
typedef void (*line_kernel)(const void *x, void *y, size_t n, int log, int stream);
typedef void (*columns_kernel)(const void *x, void *y, size_t n, ptrdiff_t xa, size_t inner, size_t width, int log);
HP_INLINE void walk_units(const hp_rows_lines *p, size_t begin, size_t end, size_t bytes, size_t lanes, line_kernel line, columns_kernel columns) {
  const char *x = p->x;
  char *y = p->y;
  if (p->inner == 1) {
    for (size_t r = begin; r < end; r++) {
      line(x + hp_rows_outer(r, p->o1, p->o2, p->xs) * (ptrdiff_t)bytes, y + r * p->n * bytes, p->n, p->log, p->stream);
    }
    return;
  }
  size_t blocks = (p->inner + HP_ROWS_COLUMNS - 1) / HP_ROWS_COLUMNS;
  for (size_t u = begin; u < end; u++) {
    size_t r = u / blocks;
    size_t c0 = (u % blocks) * HP_ROWS_COLUMNS;
    size_t c1 = c0 + HP_ROWS_COLUMNS < p->inner ? c0 + HP_ROWS_COLUMNS : p->inner;
    const char *px = x + hp_rows_outer(r, p->o1, p->o2, p->xs) * (ptrdiff_t)bytes;
    char *py = y + r * p->n * p->inner * bytes;
    for (size_t c = c0; c < c1; c += lanes) {
      size_t width = c1 - c < lanes ? c1 - c : lanes;
      columns(px + c * bytes, py + c * bytes, p->n, p->xa, p->inner, width, p->log);
    }
  }
}

static void softmax_f32(const hp_rows_lines *p, size_t begin, size_t end) {
  walk_units(p, begin, end, sizeof(float), VF, line_f32, columns_f32);
  hp_stream_fence();
}
