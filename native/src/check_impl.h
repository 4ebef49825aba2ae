/* Included by check_<isa>.c after HP_VEC_BYTES and HP_ISA_SUFFIX are set (by the build). */
#include "check.h"

static double dot_f32(const float *a, const float *b, size_t n) {
  hp_vf acc = {0};
  size_t i = 0;
  for (; i + HP_VF_LANES <= n; i += HP_VF_LANES) {
    acc += *(const hp_vfu *)(a + i) * *(const hp_vfu *)(b + i);
  }
  double sum = 0;
  for (int l = 0; l < HP_VF_LANES; l++) {
    sum += acc[l];
  }
  for (; i < n; i++) {
    sum += (double)a[i] * b[i];
  }
  return sum;
}

const hp_check_table HP_TABLE_NAME(hp_check) = {dot_f32};
