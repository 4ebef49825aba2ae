/*
 * The addon's thread pool: threads - 1 pthreads plus the caller. A job is published by bumping
 * a generation counter; workers spin on it for a short while after each job (a kernel call is
 * often followed by another within microseconds) and then sleep on a condition variable, so an
 * idle runtime costs no CPU. The caller polls as briefly for the other shares to finish, then
 * sleeps until the last worker wakes it (on a loaded machine a spinning caller would take the
 * core its own workers need).
 *
 * The wasm backend's workers sleep in Atomics.wait while a native call runs (calls are
 * synchronous and one at a time per runtime), so the two pools never compete for cores.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "hotpath.h"

/* How long an idle worker keeps polling before it sleeps, ns (about a short kernel call). */
#define SPIN_NS 50000

struct hp_pool {
  int threads;
  pthread_t *workers;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  pthread_cond_t finished;     /* the caller sleeps on it when the shares take long */
  _Atomic int caller_sleeping;
  _Atomic unsigned generation; /* bumped per job; workers run when it moves */
  _Atomic int done;            /* workers finished with the current job */
  _Atomic int sleepers;        /* workers waiting on `wake` */
  _Atomic int stop;
  hp_task task;
  void *ctx;
  int n; /* threads taking part in the current job */
};

typedef struct {
  hp_pool *pool;
  int index; /* 1 .. threads - 1 */
} worker_arg;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static void *worker_main(void *p) {
  worker_arg arg = *(worker_arg *)p;
  free(p);
  hp_pool *pool = arg.pool;
  unsigned seen = 0;
  for (;;) {
    unsigned gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
    if (gen == seen) {
      uint64_t until = now_ns() + SPIN_NS;
      while ((gen = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen && !atomic_load(&pool->stop)) {
        if (now_ns() > until) {
          pthread_mutex_lock(&pool->lock);
          atomic_fetch_add(&pool->sleepers, 1);
          // Sequentially consistent with hp_parallel's bump and its read of `sleepers`: either
          // this load sees the new job or the caller sees this sleeper and broadcasts.
          while ((gen = atomic_load(&pool->generation)) == seen && !atomic_load(&pool->stop)) {
            pthread_cond_wait(&pool->wake, &pool->lock);
          }
          atomic_fetch_sub(&pool->sleepers, 1);
          pthread_mutex_unlock(&pool->lock);
          break;
        }
        cpu_relax();
      }
    }
    if (atomic_load(&pool->stop)) {
      return NULL;
    }
    seen = gen;
    if (arg.index < pool->n) {
      pool->task(pool->ctx, arg.index, pool->n);
    }
    // The last worker to finish wakes the caller if it went to sleep (sequentially consistent
    // with the caller's flag and its read of `done`: one of the two always sees the other).
    if (atomic_fetch_add(&pool->done, 1) + 1 == pool->threads - 1 && atomic_load(&pool->caller_sleeping)) {
      pthread_mutex_lock(&pool->lock);
      pthread_cond_signal(&pool->finished);
      pthread_mutex_unlock(&pool->lock);
    }
  }
}

hp_pool *hp_pool_create(int threads) {
  if (threads < 1) {
    threads = 1;
  }
  hp_pool *pool = calloc(1, sizeof *pool);
  if (pool == NULL) {
    return NULL;
  }
  pool->threads = threads;
  pthread_mutex_init(&pool->lock, NULL);
  pthread_cond_init(&pool->wake, NULL);
  pthread_cond_init(&pool->finished, NULL);
  pool->workers = calloc((size_t)threads, sizeof(pthread_t));
  if (pool->workers == NULL) {
    free(pool);
    return NULL;
  }
  for (int i = 1; i < threads; i++) {
    worker_arg *arg = malloc(sizeof *arg);
    if (arg == NULL) {
      pool->threads = i;
      hp_pool_destroy(pool);
      return NULL;
    }
    arg->pool = pool;
    arg->index = i;
    if (pthread_create(&pool->workers[i], NULL, worker_main, arg) != 0) {
      free(arg);
      pool->threads = i;
      hp_pool_destroy(pool);
      return NULL;
    }
  }
  return pool;
}

void hp_pool_destroy(hp_pool *pool) {
  if (pool == NULL) {
    return;
  }
  pthread_mutex_lock(&pool->lock);
  atomic_store(&pool->stop, 1);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  for (int i = 1; i < pool->threads; i++) {
    pthread_join(pool->workers[i], NULL);
  }
  pthread_cond_destroy(&pool->wake);
  pthread_cond_destroy(&pool->finished);
  pthread_mutex_destroy(&pool->lock);
  free(pool->workers);
  free(pool);
}

int hp_pool_threads(const hp_pool *pool) {
  return pool->threads;
}

void hp_parallel(hp_pool *pool, int n, hp_task task, void *ctx) {
  if (n > pool->threads) {
    n = pool->threads;
  }
  if (n <= 1) {
    task(ctx, 0, 1);
    return;
  }
  int workers = pool->threads - 1;
  pool->task = task;
  pool->ctx = ctx;
  pool->n = n;
  atomic_store_explicit(&pool->done, 0, memory_order_relaxed);
  atomic_fetch_add(&pool->generation, 1);
  if (atomic_load(&pool->sleepers) > 0) {
    pthread_mutex_lock(&pool->lock);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
  }
  task(ctx, 0, n);
  // Every worker acknowledges every job (idle ones only count themselves), so the next job's
  // fields are never written while a worker still reads this one's.
  // Poll while the other shares are likely to end soon, then sleep: on a loaded machine a
  // spinning caller would take the core its own workers need.
  uint64_t until = now_ns() + SPIN_NS;
  while (atomic_load_explicit(&pool->done, memory_order_acquire) < workers) {
    if (now_ns() > until) {
      pthread_mutex_lock(&pool->lock);
      atomic_store(&pool->caller_sleeping, 1);
      while (atomic_load(&pool->done) < workers) {
        pthread_cond_wait(&pool->finished, &pool->lock);
      }
      atomic_store(&pool->caller_sleeping, 0);
      pthread_mutex_unlock(&pool->lock);
      break;
    }
    cpu_relax();
  }
}

void hp_range(size_t total, int n, int t, size_t align, size_t *begin, size_t *end) {
  if (align < 1) {
    align = 1;
  }
  size_t units = (total + align - 1) / align;
  size_t per = units / (size_t)n;
  size_t extra = units % (size_t)n;
  size_t b = (size_t)t * per + ((size_t)t < extra ? (size_t)t : extra);
  size_t e = b + per + ((size_t)t < extra ? 1 : 0);
  b *= align;
  e *= align;
  *begin = b < total ? b : total;
  *end = e < total ? e : total;
}
