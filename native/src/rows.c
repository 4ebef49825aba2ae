/*
 * Glue of the rows family (baseline flags): softmaxLines and layerNormGroups check their heap
 * ranges, then split the work units over the pool and run the context's path (rows.h).
 *
 *   softmaxLines(ctx, heapBytes, bytes, log, x, xs0, xs1, xs2, xa, y, rows, o1, o2, n, inner, threads)
 *   layerNormGroups(ctx, heapBytes, bytes, x, xs0, xs1, xs2, rows, o1, o2, inner, scale, bias,
 *                   epsilon, y, mean, invStd, threads)
 * bytes: 4 (float32) or 8 (float64); x, y, scale, bias, mean, invStd: byte offsets in the heap
 * (scale and bias -1 when absent); strides in elements (any sign); o0 = rows / (o1 * o2).
 */
#include <stdatomic.h>
#include "rows.h"

/* The strided view of `count` dims from element `at` (byte offset): checks the bytes it
 * touches lie in the heap and returns the address of its first element (NULL, with a JS
 * exception, otherwise). */
static const void *view_ptr(napi_env env, hp_ctx *ctx, size_t heap, double at, size_t bytes, const double *dims, const double *strides, int count) {
  double lo = 0, hi = 0;
  for (int i = 0; i < count; i++) {
    double span = (dims[i] - 1) * strides[i];
    if (dims[i] == 0) {
      return hp_ptr(env, ctx, heap, at, 0);
    }
    lo += span < 0 ? span : 0;
    hi += span > 0 ? span : 0;
  }
  const uint8_t *first = hp_ptr(env, ctx, heap, at + lo * (double)bytes, (hi - lo + 1) * (double)bytes);
  return first == NULL ? NULL : first - (ptrdiff_t)(lo * (double)bytes);
}

/* One call's work: which kernel, its parameters, how many units, and the next unit to take.
 * Threads take chunks of units from `next` until none are left, so a thread whose core is busy
 * with another process takes fewer (an even split would wait for it). */
typedef enum { SOFTMAX, LAYER_NORM, MAP } rows_kind;
typedef struct {
  const hp_rows_table *table;
  rows_kind kind;
  int f64;
  size_t units;
  size_t chunk;
  _Atomic size_t next;
  hp_rows_lines lines;
  hp_rows_norm norm;
  hp_rows_map map;
} rows_job;

static void run_job(void *arg, int t, int n) {
  (void)t;
  (void)n;
  rows_job *job = arg;
  for (;;) {
    size_t begin = atomic_fetch_add_explicit(&job->next, job->chunk, memory_order_relaxed);
    if (begin >= job->units) {
      return;
    }
    size_t end = begin + job->chunk < job->units ? begin + job->chunk : job->units;
    if (job->kind == SOFTMAX) {
      (job->f64 ? job->table->softmax_f64 : job->table->softmax_f32)(&job->lines, begin, end);
    } else if (job->kind == LAYER_NORM) {
      (job->f64 ? job->table->layer_norm_f64 : job->table->layer_norm_f32)(&job->norm, begin, end);
    } else {
      job->table->map_f32(&job->map, begin, end);
    }
  }
}

/* Runs the job on min(asked, units) threads of the pool, in chunks of about 1/16 of a thread's
 * even share and at least `least` units. */
static napi_value start(hp_ctx *ctx, rows_job *job, double asked, size_t least) {
  size_t t = asked < 1 ? 1 : (size_t)asked;
  t = t < job->units ? t : job->units;
  job->chunk = job->units / (t * 16) > least ? job->units / (t * 16) : least;
  atomic_init(&job->next, 0);
  hp_parallel(ctx->pool, (int)t, run_job, job);
  return NULL;
}

/* hp_args plus the element size in a[0] (4 or 8); NULL (a JS exception thrown) otherwise. */
static hp_ctx *rows_args(napi_env env, napi_callback_info info, size_t count, double *a, size_t *heap) {
  hp_ctx *ctx = hp_args(env, info, count, a, heap);
  if (ctx != NULL && a[0] != 4 && a[0] != 8) {
    hp_throw(env, "internal: element size must be 4 or 8 bytes");
    return NULL;
  }
  return ctx;
}

static napi_value softmax_lines(napi_env env, napi_callback_info info) {
  double a[14];
  size_t heap;
  hp_ctx *ctx = rows_args(env, info, 14, a, &heap);
  double rows = a[8], o1 = a[9], o2 = a[10], n = a[11], inner = a[12];
  if (ctx == NULL || !(o1 >= 1 && o2 >= 1 && rows >= 0 && n >= 0 && inner >= 1) || rows * n * inner == 0) {
    return NULL;
  }
  size_t bytes = (size_t)a[0];
  const double dims[5] = {rows / (o1 * o2), o1, o2, n, inner};
  const double strides[5] = {a[3], a[4], a[5], a[6], 1};
  const void *x = view_ptr(env, ctx, heap, a[2], bytes, dims, strides, 5);
  void *y = x == NULL ? NULL : hp_ptr(env, ctx, heap, a[7], rows * n * inner * (double)bytes);
  if (y == NULL) {
    return NULL;
  }
  rows_job job = {.table = HP_PICK_TABLE(hp_rows, ctx->isa), .kind = SOFTMAX, .f64 = bytes == 8};
  job.lines = (hp_rows_lines){x, y, {(ptrdiff_t)a[3], (ptrdiff_t)a[4], (ptrdiff_t)a[5]}, (size_t)o1, (size_t)o2, (ptrdiff_t)a[6], (size_t)n, (size_t)inner, a[1] != 0, bytes == 4 && inner == 1 && rows * n * 4 >= (double)HP_ROWS_STREAM_BYTES};
  job.units = (size_t)rows * (inner == 1 ? 1 : ((size_t)inner + HP_ROWS_COLUMNS - 1) / HP_ROWS_COLUMNS);
  return start(ctx, &job, a[13], 1);
}

static napi_value layer_norm_groups(napi_env env, napi_callback_info info) {
  double a[16];
  size_t heap;
  hp_ctx *ctx = rows_args(env, info, 16, a, &heap);
  double rows = a[5], o1 = a[6], o2 = a[7], inner = a[8];
  if (ctx == NULL || !(o1 >= 1 && o2 >= 1 && rows >= 0 && inner >= 1) || rows == 0) {
    return NULL;
  }
  size_t bytes = (size_t)a[0];
  const double dims[4] = {rows / (o1 * o2), o1, o2, inner};
  const double strides[4] = {a[2], a[3], a[4], 1};
  const void *x = view_ptr(env, ctx, heap, a[1], bytes, dims, strides, 4);
  if (x == NULL) {
    return NULL;
  }
  const void *scale = NULL, *bias = NULL;
  if (a[9] >= 0 && (scale = hp_ptr(env, ctx, heap, a[9], inner * (double)bytes)) == NULL) {
    return NULL;
  }
  if (a[10] >= 0 && (bias = hp_ptr(env, ctx, heap, a[10], inner * (double)bytes)) == NULL) {
    return NULL;
  }
  void *y = hp_ptr(env, ctx, heap, a[12], rows * inner * (double)bytes);
  void *mean = y == NULL ? NULL : hp_ptr(env, ctx, heap, a[13], rows * (double)bytes);
  void *inv_std = mean == NULL ? NULL : hp_ptr(env, ctx, heap, a[14], rows * (double)bytes);
  if (inv_std == NULL) {
    return NULL;
  }
  rows_job job = {.table = HP_PICK_TABLE(hp_rows, ctx->isa), .kind = LAYER_NORM, .f64 = bytes == 8, .units = (size_t)rows};
  job.norm = (hp_rows_norm){x, {(ptrdiff_t)a[2], (ptrdiff_t)a[3], (ptrdiff_t)a[4]}, (size_t)o1, (size_t)o2, (size_t)inner, scale, bias, a[11], y, mean, inv_std, bytes == 4 && rows * inner * 4 >= (double)HP_ROWS_STREAM_BYTES};
  return start(ctx, &job, a[15], 1);
}

/* mapF32(ctx, heapBytes, op, x, y, n, threads): y[i] = op(x[i]) for n contiguous float32. */
static napi_value map_f32_call(napi_env env, napi_callback_info info) {
  double a[5];
  size_t heap;
  hp_ctx *ctx = hp_args(env, info, 5, a, &heap);
  double n = a[3];
  if (ctx == NULL || !(n >= 1)) {
    return NULL;
  }
  if (a[0] != HP_MAP_EXP && a[0] != HP_MAP_SIGMOID) {
    return hp_throw(env, "internal: unknown element-wise op");
  }
  const void *x = hp_ptr(env, ctx, heap, a[1], n * 4);
  void *y = x == NULL ? NULL : hp_ptr(env, ctx, heap, a[2], n * 4);
  if (y == NULL) {
    return NULL;
  }
  rows_job job = {.table = HP_PICK_TABLE(hp_rows, ctx->isa), .kind = MAP, .units = (size_t)n};
  job.map = (hp_rows_map){x, y, (int)a[0], n * 4 >= (double)HP_ROWS_STREAM_BYTES};
  /* Chunks of at least 4096 elements (16 KiB): the per-chunk cost stays small. */
  return start(ctx, &job, a[4], 4096);
}

static const hp_export exports[] = {{"softmaxLines", softmax_lines}, {"layerNormGroups", layer_norm_groups}, {"mapF32", map_f32_call}};
HP_EXPORTS(rows, exports)
