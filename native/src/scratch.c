/*
 * Per-thread scratch for the kernel families: one buffer per OS thread and slot, allocated on
 * first use, grown (never shrunk) when a call needs more, freed when the thread exits (a pool's
 * workers exit when their runtime closes). No allocation per call once warm, and nothing shared
 * between threads, so runtimes on different threads never contend.
 */
#include <pthread.h>
#include <stdlib.h>

#include "hotpath.h"

typedef struct {
  void *data;
  size_t bytes;
} scratch_buf;

static pthread_key_t keys[HP_SCRATCH_SLOTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
  scratch_buf *buf = p;
  free(buf->data);
  free(buf);
}

static void create_keys(void) {
  for (int i = 0; i < HP_SCRATCH_SLOTS; i++) {
    pthread_key_create(&keys[i], scratch_free);
  }
}

void *hp_scratch(hp_scratch_slot slot, size_t bytes) {
  pthread_once(&once, create_keys);
  scratch_buf *buf = pthread_getspecific(keys[slot]);
  if (buf == NULL) {
    buf = calloc(1, sizeof *buf);
    if (buf == NULL || pthread_setspecific(keys[slot], buf) != 0) {
      free(buf);
      return NULL;
    }
  }
  if (buf->bytes < bytes) {
    size_t rounded = (bytes + 63) & ~(size_t)63;
    free(buf->data);
    buf->data = aligned_alloc(64, rounded);
    buf->bytes = buf->data == NULL ? 0 : rounded;
  }
  return buf->data;
}
