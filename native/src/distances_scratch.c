/*
 * The distance family's scratch (packed centroids, block sums, per-thread rows and panels): one
 * buffer per calling thread, allocated on first use and grown when a call needs more, freed when
 * the thread ends. No allocation per call once warm, nothing shared between runtimes on
 * different threads.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

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

void *hp_dist_scratch(napi_env env, size_t bytes) {
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
    s->data = aligned_alloc(64, hp_round64(bytes));
    if (s->data == NULL) {
      char text[112];
      snprintf(text, sizeof text, "native distances: could not allocate %zu bytes of scratch", bytes);
      hp_throw(env, text);
      return NULL;
    }
    s->bytes = hp_round64(bytes);
  }
  return s->data;
}
