/*
 * Element-wise exp and sigmoid of the rows family, float32 (included by rows_impl.h). wasm runs
 * them at 61-84% of copy bandwidth (compute-bound in 128-bit lanes); here they are streams at
 * the full vector width, written like the row kernels (non-temporal stores past 8 MiB).
 */
#include "rows_exp.h"

static hp_vf exp_lanes(const void *x, size_t j, size_t count) {
  return vf_exp_any(vf_load_width((const float *)x + j, count, 0));
}

/* 1 / (1 + e^-x): e^-x overflows to Infinity below x = -88.7 (the result is 0 there, under the
 * smallest normal) and underflows harmlessly above; one rounding each for the add and divide. */
static hp_vf sigmoid_lanes(const void *x, size_t j, size_t count) {
  hp_vf v = vf_load_width((const float *)x + j, count, 0);
  return 1.0f / (1.0f + vf_exp_any(-v));
}

static void map_f32(const hp_rows_map *p, size_t begin, size_t end) {
  const float *x = (const float *)p->x + begin;
  float *y = (float *)p->y + begin;
  if (p->op == HP_MAP_SIGMOID) {
    vf_write_row(y, end - begin, p->stream, sigmoid_lanes, x);
  } else {
    vf_write_row(y, end - begin, p->stream, exp_lanes, x);
  }
  hp_stream_fence();
}
