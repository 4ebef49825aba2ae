/*
 * Glue of the distance family: the N-API functions lloyd and pairwiseDistances, their thread
 * splits and scratch. Baseline flags: no wide instruction here; kernels run through the table
 * of the context's path.
 *
 * Scratch (packed centroids, block sums, per-thread score rows and packed panels) lives in one
 * buffer per calling thread, allocated on first use and grown when a call needs more, freed when
 * the thread ends: no allocation per call once warm, nothing shared between runtimes on
 * different threads.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "distances.h"

typedef struct {
  void *data;
  size_t bytes;
} scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
  scratch *s = p;
  free(s->data);
  free(s);
}

static void scratch_init(void) {
  pthread_key_create(&scratch_key, scratch_free);
}

static size_t round64(size_t bytes) {
  return (bytes + 63) / 64 * 64;
}

/* This thread's scratch of at least `bytes` (64-byte aligned), or NULL (a JS error thrown). */
static void *scratch_get(napi_env env, size_t bytes) {
  pthread_once(&scratch_once, scratch_init);
  scratch *s = pthread_getspecific(scratch_key);
  if (s == NULL) {
    s = calloc(1, sizeof *s);
    if (s == NULL || pthread_setspecific(scratch_key, s) != 0) {
      free(s);
      hp_throw(env, "native distances: out of memory for scratch");
      return NULL;
    }
  }
  if (s->bytes < bytes) {
    free(s->data);
    s->bytes = 0;
    s->data = aligned_alloc(64, round64(bytes));
    if (s->data == NULL) {
      char text[112];
      snprintf(text, sizeof text, "native distances: could not allocate %zu bytes of scratch", bytes);
      hp_throw(env, text);
      return NULL;
    }
    s->bytes = round64(bytes);
  }
  return s->data;
}

/* ---- lloyd / hamerly ---- */

/* Bytes of block sums held at once (a wave of blocks); more blocks go in further waves. */
#define SLOT_CAP ((size_t)32 << 20)

typedef struct {
  const hp_distances_table *table;
  hp_lloyd_call call;
  int esize;
  size_t blocks;        /* in this wave */
  int next;             /* the next block to claim (atomic) */
  uint8_t *per_thread;  /* thread t's scratch at per_thread + t * thread_bytes */
  size_t thread_bytes;
} lloyd_job;

/* Threads claim blocks one at a time (a thread whose rows the bounds prove goes faster takes
 * more); each block's sums go to its own slot, added in block order afterwards, so neither the
 * claim order nor the thread count changes a bit. */
static void lloyd_task(void *arg, int t, int n) {
  (void)n;
  lloyd_job *job = arg;
  void *own = job->per_thread + (size_t)t * job->thread_bytes;
  for (size_t b = (size_t)__atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED); b < job->blocks; b = (size_t)__atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED)) {
    if (job->esize == 4) {
      job->table->lloyd_block_f32(&job->call, b, own);
    } else {
      job->table->lloyd_block_f64(&job->call, b, own);
    }
  }
}

/* Bytes of `rows` rows of `cols` elements at row stride `rs` (0 when empty). */
static double extent(double rows, double cols, double rs, double esize) {
  return rows == 0 || cols == 0 ? 0 : ((rows - 1) * rs + cols) * esize;
}

/*
 * lloyd(ctx, heapBytes, esize, x, xrs, n, d, w, ws, c, crs, k, labels, sums, counts, threads,
 *       block, hints, boundsIn, boundsOut, drift, topDrift, maxDrift, secondDrift)
 * Offsets in bytes (w, hints: -1 for none; boundsOut: -1 for none), strides in elements.
 */
static napi_value lloyd(napi_env env, napi_callback_info info) {
  double a[22];
  size_t heap;
  hp_ctx *ctx = hp_args(env, info, 22, a, &heap);
  if (ctx == NULL) {
    return NULL;
  }
  const int esize = (int)a[0];
  const size_t n = (size_t)a[3];
  const int d = (int)a[4];
  const int k = (int)a[9];
  if ((esize != 4 && esize != 8) || k < 1 || (int)a[14] != HP_LLOYD_BLOCK) {
    return hp_throw(env, "internal: lloyd called with an unknown dtype, no centroids or another block size");
  }
  const double es = esize;
  hp_lloyd_call call = {0};
  call.xrs = (size_t)a[2];
  call.d = d;
  call.ws = (size_t)a[6];
  call.crs = (size_t)a[8];
  call.k = k;
  call.x = hp_ptr(env, ctx, heap, a[1], extent(a[3], d, a[2], es));
  if (call.x == NULL || (call.c = hp_ptr(env, ctx, heap, a[7], extent(k, d, a[8], es))) == NULL) {
    return NULL;
  }
  if (a[5] >= 0 && (call.w = hp_ptr(env, ctx, heap, a[5], extent(a[3], 1, a[6], es))) == NULL) {
    return NULL;
  }
  double *sums = hp_ptr(env, ctx, heap, a[11], 8.0 * k * d);
  double *counts = sums == NULL ? NULL : hp_ptr(env, ctx, heap, a[12], 8.0 * k);
  if (counts == NULL || (call.labels = hp_ptr(env, ctx, heap, a[10], 4.0 * (double)n)) == NULL) {
    return NULL;
  }
  if (a[15] >= 0) {
    if ((call.hints = hp_ptr(env, ctx, heap, a[15], 4.0 * (double)n)) == NULL || (call.bounds_in = hp_ptr(env, ctx, heap, a[16], 16.0 * (double)n)) == NULL ||
        (call.drift = hp_ptr(env, ctx, heap, a[18], 8.0 * k)) == NULL) {
      return NULL;
    }
    call.top_drift = (int)a[19];
    call.max_drift = a[20];
    call.second_drift = a[21];
  }
  if (a[17] >= 0 && (call.bounds_out = hp_ptr(env, ctx, heap, a[17], 16.0 * (double)n)) == NULL) {
    return NULL;
  }
  memset(sums, 0, sizeof(double) * (size_t)k * (size_t)d);
  memset(counts, 0, sizeof(double) * (size_t)k);
  if (n == 0) {
    return NULL;
  }
  const hp_distances_table *table = HP_PICK_TABLE(hp_distances, ctx->isa);
  const int kpad = table->lloyd_kpad(k, esize);
  call.kpad = kpad;
  const size_t blocks = (n + HP_LLOYD_BLOCK - 1) / HP_LLOYD_BLOCK;
  int threads = (int)a[13];
  threads = threads < 1 ? 1 : threads > ctx->threads ? ctx->threads : threads;
  threads = (size_t)threads > blocks ? (int)blocks : threads;
  const size_t kd = (size_t)k * (size_t)d;
  const size_t slot_bytes = 8 * (kd + (size_t)k);
  size_t per_wave = SLOT_CAP / slot_bytes;
  per_wave = per_wave < (size_t)threads ? (size_t)threads : per_wave;
  per_wave = per_wave > blocks ? blocks : per_wave;
  const size_t ct_bytes = round64((size_t)d * (size_t)kpad * (size_t)esize);
  const size_t cn_bytes = round64((size_t)kpad * (size_t)esize);
  const size_t thread_bytes = round64(table->lloyd_scratch_bytes(kpad, esize));
  uint8_t *base = scratch_get(env, ct_bytes + cn_bytes + thread_bytes * (size_t)threads + slot_bytes * per_wave);
  if (base == NULL) {
    return NULL;
  }
  void *ct = base;
  void *cn = base + ct_bytes;
  call.ct = ct;
  call.cn = cn;
  /* The largest squared norm, NaN if any is (then every label is recomputed exactly). */
  double max_c2 = 0;
  if (esize == 4) {
    table->lloyd_prepare_f32(&call, ct, cn);
    for (int j = 0; j < k; j++) {
      const double v = ((const float *)cn)[j];
      max_c2 = v != v || max_c2 != max_c2 ? NAN : v > max_c2 ? v : max_c2;
    }
  } else {
    table->lloyd_prepare_f64(&call, ct, cn);
    for (int j = 0; j < k; j++) {
      const double v = ((const double *)cn)[j];
      max_c2 = v != v || max_c2 != max_c2 ? NAN : v > max_c2 ? v : max_c2;
    }
  }
  call.max_c2 = max_c2;
  call.max_c = sqrt(max_c2);
  call.slots = (double *)(base + ct_bytes + cn_bytes + thread_bytes * (size_t)threads);
  lloyd_job job = {table, call, esize, 0, 0, base + ct_bytes + cn_bytes, thread_bytes};
  for (size_t b0 = 0; b0 < blocks; b0 += per_wave) {
    const size_t b1 = b0 + per_wave < blocks ? b0 + per_wave : blocks;
    job.call.row_start = b0 * HP_LLOYD_BLOCK;
    job.call.row_end = b1 * HP_LLOYD_BLOCK < n ? b1 * HP_LLOYD_BLOCK : n;
    job.blocks = b1 - b0;
    job.next = 0;
    hp_parallel(ctx->pool, threads, lloyd_task, &job);
    /* The wave's block sums, in block order. */
    for (size_t s = 0; s < b1 - b0; s++) {
      const double *slot = job.call.slots + s * (kd + (size_t)k);
      for (size_t e = 0; e < kd; e++) {
        sums[e] += slot[e];
      }
      for (int j = 0; j < k; j++) {
        counts[j] += slot[kd + (size_t)j];
      }
    }
  }
  return NULL;
}

/* ---- pairwiseDistances ---- */

typedef struct {
  const hp_distances_table *table;
  hp_pairwise_call call;
  int esize;
  int threads;
  size_t columns;       /* packed columns (m rounded up to whole panels) */
  size_t panel;         /* columns per panel */
  size_t tile;          /* rows per micro-tile */
  uint8_t *per_thread;  /* thread t's scratch at per_thread + t * thread_bytes */
  size_t thread_bytes;
} pairwise_job;

static void pairwise_pack_task(void *arg, int t, int n) {
  pairwise_job *job = arg;
  size_t p0, p1;
  hp_range(job->columns / job->panel, n, t, 1, &p0, &p1);
  if (p0 < p1) {
    if (job->esize == 4) {
      job->table->pairwise_pack_f32(&job->call, p0 * job->panel, p1 * job->panel);
    } else {
      job->table->pairwise_pack_f64(&job->call, p0 * job->panel, p1 * job->panel);
    }
  }
}

static void pairwise_rows_task(void *arg, int t, int n) {
  pairwise_job *job = arg;
  size_t i0, i1;
  hp_range(job->call.n, n, t, job->tile, &i0, &i1);
  void *own = job->per_thread + (size_t)t * job->thread_bytes;
  if (i0 < i1) {
    if (job->esize == 4) {
      job->table->pairwise_rows_f32(&job->call, i0, i1, own);
    } else {
      job->table->pairwise_rows_f64(&job->call, i0, i1, own);
    }
  }
}

/* Bytes spanned by a [rows, cols] view at strides rs, cs (elements, non-negative). */
static double extent2(double rows, double cols, double rs, double cs, double esize) {
  return rows == 0 || cols == 0 ? 0 : ((rows - 1) * rs + (cols - 1) * cs + 1) * esize;
}

/* mu[p] = the mean of column p of the [rows, d] view at src (float64 sums in row order, then DT). */
static void column_means(const void *src, size_t rs, size_t cs, size_t rows, int d, int esize, double *sums, void *mu) {
  memset(sums, 0, sizeof(double) * (size_t)d);
  for (size_t r = 0; r < rows; r++) {
    for (int p = 0; p < d; p++) {
      const size_t e = r * rs + (size_t)p * cs;
      sums[p] += esize == 4 ? (double)((const float *)src)[e] : ((const double *)src)[e];
    }
  }
  for (int p = 0; p < d; p++) {
    if (esize == 4) {
      ((float *)mu)[p] = (float)(sums[p] / (double)rows);
    } else {
      ((double *)mu)[p] = sums[p] / (double)rows;
    }
  }
}

/*
 * pairwiseDistances(ctx, heapBytes, esize, x, xrs, xcs, n, y, yrs, ycs, m, d, out, mode, threads)
 * mode 0: squared Euclidean, 1: Euclidean. Offsets in bytes, strides in elements (>= 0); out
 * [n, m] row-major.
 */
static napi_value pairwise_distances(napi_env env, napi_callback_info info) {
  double a[13];
  size_t heap;
  hp_ctx *ctx = hp_args(env, info, 13, a, &heap);
  if (ctx == NULL) {
    return NULL;
  }
  const int esize = (int)a[0];
  const double es = esize;
  if ((esize != 4 && esize != 8) || (a[11] != 0 && a[11] != 1)) {
    return hp_throw(env, "internal: pairwiseDistances called with an unknown dtype or mode");
  }
  hp_pairwise_call call = {0};
  call.xrs = (size_t)a[2];
  call.xcs = (size_t)a[3];
  call.n = (size_t)a[4];
  call.yrs = (size_t)a[6];
  call.ycs = (size_t)a[7];
  call.m = (size_t)a[8];
  call.d = (int)a[9];
  call.mode = (int)a[11];
  if ((call.x = hp_ptr(env, ctx, heap, a[1], extent2(a[4], a[9], a[2], a[3], es))) == NULL || (call.y = hp_ptr(env, ctx, heap, a[5], extent2(a[8], a[9], a[6], a[7], es))) == NULL ||
      (call.out = hp_ptr(env, ctx, heap, a[10], a[4] * a[8] * es)) == NULL) {
    return NULL;
  }
  if (call.n == 0 || call.m == 0) {
    return NULL;
  }
  if (call.d == 0) {
    memset(call.out, 0, call.n * call.m * (size_t)esize);
    return NULL;
  }
  pairwise_job job = {0};
  job.table = HP_PICK_TABLE(hp_distances, ctx->isa);
  job.esize = esize;
  job.panel = (size_t)job.table->pairwise_cols(esize);
  job.tile = (size_t)job.table->pairwise_rows_tile(esize);
  job.columns = (call.m + job.panel - 1) / job.panel * job.panel;
  int threads = (int)a[12];
  threads = threads < 1 ? 1 : threads > ctx->threads ? ctx->threads : threads;
  const size_t d = (size_t)call.d;
  const size_t mu_bytes = round64(d * (size_t)esize);
  const size_t sums_bytes = round64(d * 8);
  const size_t packed_bytes = round64(job.columns * d * (size_t)esize);
  const size_t norms_bytes = round64(job.columns * (size_t)esize);
  job.thread_bytes = round64(job.table->pairwise_scratch_bytes(call.d, esize));
  uint8_t *base = scratch_get(env, mu_bytes + sums_bytes + packed_bytes + norms_bytes + job.thread_bytes * (size_t)threads);
  if (base == NULL) {
    return NULL;
  }
  call.mu = base;
  call.packed_y = base + mu_bytes + sums_bytes;
  call.norms_y = base + mu_bytes + sums_bytes + packed_bytes;
  job.per_thread = base + mu_bytes + sums_bytes + packed_bytes + norms_bytes;
  /* Centred on the mean of the smaller set: cheap, and near any cluster of points that could
   * cancel (points far from it are far from each other's GEMM trouble too). */
  if (call.n <= call.m) {
    column_means(call.x, call.xrs, call.xcs, call.n, call.d, esize, (double *)(base + mu_bytes), base);
  } else {
    column_means(call.y, call.yrs, call.ycs, call.m, call.d, esize, (double *)(base + mu_bytes), base);
  }
  job.call = call;
  hp_parallel(ctx->pool, threads, pairwise_pack_task, &job);
  hp_parallel(ctx->pool, threads, pairwise_rows_task, &job);
  return NULL;
}

static const hp_export exports[] = {{"lloyd", lloyd}, {"pairwiseDistances", pairwise_distances}};
HP_EXPORTS(distances, exports)
