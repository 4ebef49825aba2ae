/*
 * Glue of the distance family's pairwiseDistances: the N-API function, the centre, the packing of
 * y and the split of x's rows across the addon's threads. Baseline flags: kernels run through the
 * table of the context's path (distances_pairwise.h).
 */
#include <string.h>

#include "distances.h"

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
 * mode 0: squared Euclidean, 1: Euclidean, 2: cosine, 3: dot. Offsets in bytes, strides in elements (>= 0); out
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
  if ((esize != 4 && esize != 8) || !(a[11] == 0 || a[11] == 1 || a[11] == 2 || a[11] == 3)) {
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
  if ((call.x = hp_ptr(env, ctx, heap, a[1], hp_extent(a[4], a[9], a[2], a[3], es))) == NULL || (call.y = hp_ptr(env, ctx, heap, a[5], hp_extent(a[8], a[9], a[6], a[7], es))) == NULL ||
      (call.out = hp_ptr(env, ctx, heap, a[10], a[4] * a[8] * es)) == NULL) {
    return NULL;
  }
  if (call.n == 0 || call.m == 0) {
    return NULL;
  }
  if (call.d == 0) {
    /* No features: every distance 0, every cosine distance 1 (zero rows). */
    for (size_t e = 0; e < call.n * call.m; e++) {
      if (esize == 4) {
        ((float *)call.out)[e] = call.mode == 2 ? 1.0f : 0.0f;
      } else {
        ((double *)call.out)[e] = call.mode == 2 ? 1.0 : 0.0;
      }
    }
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
  const size_t mu_bytes = hp_round64(d * (size_t)esize);
  const size_t sums_bytes = hp_round64(d * 8);
  const size_t packed_bytes = hp_round64(job.columns * d * (size_t)esize);
  const size_t norms_bytes = hp_round64(job.columns * (size_t)esize);
  job.thread_bytes = hp_round64(job.table->pairwise_scratch_bytes(call.d, esize));
  uint8_t *base = hp_dist_scratch(env, mu_bytes + sums_bytes + packed_bytes + norms_bytes + job.thread_bytes * (size_t)threads);
  if (base == NULL) {
    return NULL;
  }
  call.mu = base;
  call.packed_y = base + mu_bytes + sums_bytes;
  call.norms_y = base + mu_bytes + sums_bytes + packed_bytes;
  job.per_thread = base + mu_bytes + sums_bytes + packed_bytes + norms_bytes;
  /* Centred on the mean of the smaller set: cheap, and near any cluster of points that could
   * cancel (points far from it are far from each other's GEMM trouble too). cosine and dot are
   * not centred (neither is translation-invariant). */
  if (call.mode >= 2) {
    memset(base, 0, mu_bytes);
  } else if (call.n <= call.m) {
    column_means(call.x, call.xrs, call.xcs, call.n, call.d, esize, (double *)(base + mu_bytes), base);
  } else {
    column_means(call.y, call.yrs, call.ycs, call.m, call.d, esize, (double *)(base + mu_bytes), base);
  }
  job.call = call;
  hp_parallel(ctx->pool, threads, pairwise_pack_task, &job);
  hp_parallel(ctx->pool, threads, pairwise_rows_task, &job);
  return NULL;
}

static const hp_export exports[] = {{"pairwiseDistances", pairwise_distances}};
HP_EXPORTS(distances_pairs, exports)
