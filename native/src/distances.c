/*
 * Glue of the distance family's lloyd (and hamerly): the N-API function, its split of the rows
 * across the addon's threads and its scratch. Baseline flags: no wide instruction here; kernels
 * run through the table of the context's path. pairwiseDistances' glue: distances_pairs.c.
 */
#include <math.h>
#include <string.h>

#include "distances.h"

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

/*
 * lloyd(ctx, heapBytes, esize, x, xrs, n, d, w, ws, c, crs, k, labels, sums, counts, threads,
 *       block, hints, boundsIn, boundsOut, drift, topDrift, maxDrift, secondDrift, offset)
 * Offsets in bytes (w, hints, boundsOut, offset: -1 for none), strides in elements.
 */
static napi_value lloyd(napi_env env, napi_callback_info info) {
  double a[23];
  size_t heap;
  hp_ctx *ctx = hp_args(env, info, 23, a, &heap);
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
  call.x = hp_ptr(env, ctx, heap, a[1], hp_extent(a[3], d, a[2], 1, es));
  if (call.x == NULL || (call.c = hp_ptr(env, ctx, heap, a[7], hp_extent(k, d, a[8], 1, es))) == NULL) {
    return NULL;
  }
  if (a[5] >= 0 && (call.w = hp_ptr(env, ctx, heap, a[5], hp_extent(a[3], 1, a[6], 1, es))) == NULL) {
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
  if (a[22] >= 0 && (call.offset = hp_ptr(env, ctx, heap, a[22], es * d)) == NULL) {
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
  const size_t ct_bytes = hp_round64((size_t)d * (size_t)kpad * (size_t)esize);
  const size_t cn_bytes = hp_round64((size_t)kpad * (size_t)esize);
  const size_t thread_bytes = hp_round64(table->lloyd_scratch_bytes(d, esize));
  uint8_t *base = hp_dist_scratch(env, ct_bytes + cn_bytes + thread_bytes * (size_t)threads + slot_bytes * per_wave);
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

static const hp_export exports[] = {{"lloyd", lloyd}};
HP_EXPORTS(distances, exports)
