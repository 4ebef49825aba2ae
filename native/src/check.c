/* Glue of the check family: dotF32(ctx, heapBytes, a, b, n) on the context's path. */
#include "check.h"

unsigned hp_isa_built(void) {
  unsigned bits = 0;
  for (int i = 0; i < HP_ISA_COUNT; i++) {
    if (HP_PICK_TABLE(hp_check, (hp_isa)i) != NULL) {
      bits |= 1u << i;
    }
  }
  return bits;
}

static napi_value dot_f32(napi_env env, napi_callback_info info) {
  double a[3];
  size_t heap;
  hp_ctx *ctx = hp_args(env, info, 3, a, &heap);
  if (ctx == NULL) {
    return NULL;
  }
  const float *x = hp_ptr(env, ctx, heap, a[0], a[2] * 4);
  const float *y = x == NULL ? NULL : hp_ptr(env, ctx, heap, a[1], a[2] * 4);
  if (y == NULL) {
    return NULL;
  }
  const hp_check_table *table = HP_PICK_TABLE(hp_check, ctx->isa);
  napi_value out;
  napi_create_double(env, table->dot_f32(x, y, (size_t)a[2]), &out);
  return out;
}

typedef struct {
  int32_t *out;
  size_t n;
  size_t align;
} fill_job;

static void fill_share(void *arg, int t, int n) {
  fill_job *job = arg;
  size_t b, e;
  hp_range(job->n, n, t, job->align, &b, &e);
  for (size_t i = b; i < e; i++) {
    job->out[i] = t;
  }
}

/* fillThreads(ctx, heapBytes, out int32[n], n, threads, align): out[i] = the pool thread that
 * wrote it, each thread taking hp_range's share; tests check the pool and the split. */
static napi_value fill_threads(napi_env env, napi_callback_info info) {
  double a[4];
  size_t heap;
  hp_ctx *ctx = hp_args(env, info, 4, a, &heap);
  if (ctx == NULL) {
    return NULL;
  }
  int32_t *out = hp_ptr(env, ctx, heap, a[0], a[1] * 4);
  if (out == NULL) {
    return NULL;
  }
  fill_job job = {out, (size_t)a[1], (size_t)a[3]};
  hp_parallel(ctx->pool, (int)a[2], fill_share, &job);
  return NULL;
}

static const hp_export exports[] = {{"dotF32", dot_f32}, {"fillThreads", fill_threads}};
HP_EXPORTS(check, exports)
