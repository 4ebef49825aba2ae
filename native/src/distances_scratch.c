/*
 * The distance family's scratch (packed centroids, block sums, per-thread rows and panels): one
 * buffer per calling thread, allocated on first use and grown when a call needs more, freed when
 * the thread ends. No allocation per call once warm, nothing shared between runtimes on
 * different threads.
 */
#include <stdio.h>
#include <stdlib.h>

#include "distances.h"

void *hp_dist_scratch(napi_env env, size_t bytes) {
  void *data = hp_scratch(HP_SCRATCH_DISTANCES, hp_round64(bytes));
  if (data == NULL) {
    char text[112];
    snprintf(text, sizeof text, "native distances: could not allocate %zu bytes of scratch", bytes);
    hp_throw(env, text);
  }
  return data;
}
