/* The check family: a float32 dot product per path, so tests and doctor can run each path. */
#ifndef HOTPATH_CHECK_H
#define HOTPATH_CHECK_H
#include "hotpath.h"

typedef struct {
  double (*dot_f32)(const float *a, const float *b, size_t n);
} hp_check_table;

HP_DECLARE_TABLES(hp_check_table, hp_check)
#endif
