/*
 * Glue of the GEMM family (baseline flags: no wide code here):
 *   gemmF32 / gemmF64(ctx, heapBytes, a, ars, acs, b, brs, bcs, c, ldc, m, n, k, alpha,
 *                     s, srs, scs, beta, hasS, threads)
 * computes C[m, n] (row-major, row stride ldc) = alpha * A B (+ beta * S when hasS), with a, b,
 * c, s byte offsets into the heap and every stride in elements (any sign; 0 broadcasts).
 *
 * Threads: the larger of m and n is split in whole micro-tiles (MR rows or NR columns) across
 * up to `threads` pool threads; each packs its own panels of A and B into its own scratch, so
 * no thread waits for another (the price: B, or A, is packed once per thread). Rows go in
 * chunks of 8 micro-tiles from a shared counter, each thread keeping its packed B across its
 * chunks, when that copy is at most KEEP_B_MAX; columns (n > m), and larger B, split evenly. The scratch is
 * per OS thread (a pthread key), allocated on first use, grown when a call needs more, and
 * freed when the thread exits (a pool's workers exit when the runtime closes).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "gemm.h"

/* Rows per chunk of the shared-counter split, in micro-tiles. */
#define CHUNK_TILES 8
/* Largest packed copy of B (bytes, per thread) the shared-counter split keeps; past it, the even
 * split. Two threads' copies are then at most the L3 (32 MiB on the Zen 4 here): float32
 * n = 2048 (16 MiB) takes chunks, float64 n = 2048 (32 MiB) splits evenly (with 64 MiB it
 * took chunks and lost about 5% per CPU-second). */
#define KEEP_B_MAX ((size_t)16 << 20)

typedef struct {
  hp_gemm_job job;
  hp_gemm_product product;
  hp_gemm_product_rows product_rows;
  const hp_gemm_blocking *blocking;
  size_t elem;
  int split_columns; /* split n (else m) across threads */
  hp_gemm_rows rows;  /* with dynamic: rows taken in chunks from a shared counter */
  int dynamic;
  _Atomic int failed;
} gemm_task;

static void gemm_part(void *arg, int t, int n) {
  gemm_task *task = arg;
  const hp_gemm_job *job = &task->job;
  const hp_gemm_blocking *bl = task->blocking;
  if (task->dynamic) {
    void *scratch = hp_scratch(HP_SCRATCH_GEMM, hp_gemm_keep_bytes(bl, task->rows.chunk, job->n, task->elem, job->k));
    if (scratch == NULL) {
      atomic_store(&task->failed, 1);
      return;
    }
    task->product_rows(job, &task->rows, scratch);
    return;
  }
  size_t i0 = 0, i1 = job->m, j0 = 0, j1 = job->n;
  if (task->split_columns) {
    hp_range(job->n, n, t, (size_t)bl->nr, &j0, &j1);
  } else {
    hp_range(job->m, n, t, (size_t)bl->mr, &i0, &i1);
  }
  if (i0 >= i1 || j0 >= j1) {
    return;
  }
  void *scratch = hp_scratch(HP_SCRATCH_GEMM, hp_gemm_scratch_bytes(bl, i1 - i0, j1 - j0, task->elem, job->k));
  if (scratch == NULL) {
    atomic_store(&task->failed, 1);
    return;
  }
  task->product(job, i0, i1, j0, j1, scratch);
}

/*
 * The pointer to element 0 of a rows x cols operand at byte `offset` with element strides rs, cs,
 * after checking that every element it reaches lies in the heap (NULL + a JS exception if not).
 */
static const void *operand(napi_env env, hp_ctx *ctx, size_t heap, double offset, double rows, double cols, double rs, double cs, size_t elem) {
  if (rows == 0 || cols == 0) {
    return ctx->base;
  }
  double lo = (rs < 0 ? (rows - 1) * rs : 0) + (cs < 0 ? (cols - 1) * cs : 0);
  double hi = (rs > 0 ? (rows - 1) * rs : 0) + (cs > 0 ? (cols - 1) * cs : 0);
  const uint8_t *p = hp_ptr(env, ctx, heap, offset + lo * (double)elem, (hi - lo + 1) * (double)elem);
  return p == NULL ? NULL : p - (ptrdiff_t)lo * (ptrdiff_t)elem;
}

static napi_value gemm_call(napi_env env, napi_callback_info info, int f64) {
  double v[18];
  size_t heap;
  hp_ctx *ctx = hp_args(env, info, 18, v, &heap);
  if (ctx == NULL) {
    return NULL;
  }
  const double m = v[8], n = v[9], k = v[10];
  if (!(m >= 0 && n >= 0 && k >= 0 && v[7] >= n)) {
    return hp_throw(env, "internal: gemm sizes must be non-negative with ldc >= n");
  }
  if (m == 0 || n == 0) {
    return NULL;
  }
  const size_t elem = f64 ? 8 : 4;
  const hp_gemm_table *table = HP_PICK_TABLE(hp_gemm, ctx->isa);
  gemm_task task = {.elem = elem, .product = f64 ? table->f64 : table->f32, .product_rows = f64 ? table->rows64 : table->rows32, .blocking = f64 ? &table->b64 : &table->b32};
  hp_gemm_job *job = &task.job;
  job->a = operand(env, ctx, heap, v[0], m, k, v[1], v[2], elem);
  job->b = job->a == NULL ? NULL : operand(env, ctx, heap, v[3], k, n, v[4], v[5], elem);
  job->c = job->b == NULL ? NULL : (void *)operand(env, ctx, heap, v[6], m, n, v[7], 1, elem);
  job->s = job->c == NULL || v[16] == 0 ? NULL : operand(env, ctx, heap, v[12], m, n, v[13], v[14], elem);
  if (job->c == NULL || (v[16] != 0 && job->s == NULL)) {
    return NULL;
  }
  job->ars = (ptrdiff_t)v[1];
  job->acs = (ptrdiff_t)v[2];
  job->brs = (ptrdiff_t)v[4];
  job->bcs = (ptrdiff_t)v[5];
  job->ldc = (ptrdiff_t)v[7];
  job->srs = (ptrdiff_t)v[13];
  job->scs = (ptrdiff_t)v[14];
  job->m = (size_t)m;
  job->n = (size_t)n;
  job->k = (size_t)k;
  job->alpha = v[11];
  job->beta = v[15];
  // Split the larger dimension; never into more parts than it has micro-tiles.
  task.split_columns = n > m;
  size_t units = task.split_columns ? (job->n + (size_t)task.blocking->nr - 1) / (size_t)task.blocking->nr : (job->m + (size_t)task.blocking->mr - 1) / (size_t)task.blocking->mr;
  int threads = v[17] < 1 ? 1 : (int)v[17];
  if ((size_t)threads > units) {
    threads = (int)units;
  }
  // Rows split across threads: in chunks from a shared counter when each thread's packed copy
  // of all of B fits KEEP_B_MAX (the packing per thread is then the same as the even split's);
  // a thread whose core another process holds then does fewer chunks instead of setting the pace.
  size_t chunk = (size_t)task.blocking->mr * CHUNK_TILES;
  size_t keep = hp_gemm_keep_bytes(task.blocking, chunk, job->n, elem, job->k);
  if (threads > 1 && !task.split_columns && keep <= KEEP_B_MAX) {
    task.dynamic = 1;
    task.rows.chunk = chunk;
    task.rows.end = job->m;
    atomic_init(&task.rows.next, 0);
    size_t chunks = (job->m + chunk - 1) / chunk;
    if ((size_t)threads > chunks) {
      threads = (int)chunks;
    }
  }
  hp_parallel(ctx->pool, threads, gemm_part, &task);
  if (atomic_load(&task.failed)) {
    return hp_throw(env, "out of memory for the gemm packing buffers");
  }
  return NULL;
}

static napi_value gemm_f32(napi_env env, napi_callback_info info) {
  return gemm_call(env, info, 0);
}

static napi_value gemm_f64(napi_env env, napi_callback_info info) {
  return gemm_call(env, info, 1);
}

static const hp_export exports[] = {{"gemmF32", gemm_f32}, {"gemmF64", gemm_f64}};
HP_EXPORTS(gemm, exports)
