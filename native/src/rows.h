/*
 * The rows family: softmax / logSoftmax along one axis and layerNorm over trailing dims, float32
 * and float64, each a memory-bound walk over lines of the input (bandwidth is the target: x is
 * read from memory once per line, y written once; the extra passes run on the line while it is
 * in L1/L2).
 *
 * Outer rows are indexed over a 3-d space o0 x o1 x o2 (o0 implied by the row count) with x
 * strides xs[3] in elements, like the wasm kernels; y (and layerNorm's mean / invStdDev) are
 * row-major. Work units, split over threads by the glue (rows.c):
 * - softmax with inner == 1: one unit per line (x contiguous along the axis);
 * - softmax with inner > 1 (the axis is not the last dim): a line is `n` elements at stride xa
 *   and `inner` neighbouring lines are contiguous, so the kernel runs HP_ROWS_COLUMNS lines side
 *   by side in vector lanes; unit = (outer row, block of HP_ROWS_COLUMNS columns);
 * - layerNorm: one unit per group of `inner` contiguous elements;
 * - element-wise exp / sigmoid (rows_map.h): one unit per element.
 */
#ifndef HOTPATH_ROWS_H
#define HOTPATH_ROWS_H
#include <stddef.h>
#include "hotpath.h"

/* Outputs of at least this many bytes are written with non-temporal stores: they would not stay
 * in a core's caches anyway, and streaming skips reading each destination line first (about a
 * third of the traffic of a read-once, write-once kernel). */
#define HP_ROWS_STREAM_BYTES ((size_t)8 << 20)

/* Lines per softmax unit when the axis is not the last dim (a multiple of every path's lanes). */
#define HP_ROWS_COLUMNS 64

typedef struct {
  const void *x;    /* element (0, ..., 0) of x */
  void *y;          /* row-major, same shape as x */
  ptrdiff_t xs[3];  /* x strides of the outer dims, elements */
  size_t o1, o2;    /* outer dims 1 and 2 */
  ptrdiff_t xa;     /* x stride along the axis, elements (1 when inner == 1) */
  size_t n;         /* elements along the axis */
  size_t inner;     /* contiguous lines side by side (product of the dims after the axis) */
  int log;          /* 1: logSoftmax */
  int stream;       /* 1: write y with non-temporal stores (outputs beyond the caches) */
} hp_rows_lines;

typedef struct {
  const void *x;       /* element (0, ..., 0) of x */
  ptrdiff_t xs[3];     /* x strides of the outer dims, elements */
  size_t o1, o2;
  size_t inner;        /* elements per group, contiguous in x */
  const void *scale;   /* contiguous over a group, or NULL */
  const void *bias;    /* likewise */
  double epsilon;
  void *y;             /* row-major */
  void *mean;          /* one per group */
  void *inv_std;       /* one per group */
  int stream;          /* 1: write y with non-temporal stores */
} hp_rows_norm;

/* Element-wise ops (rows_map.h), float32, x and y contiguous. */
enum { HP_MAP_EXP = 0, HP_MAP_SIGMOID = 1 };
typedef struct {
  const void *x;
  void *y;
  int op;      /* HP_MAP_* */
  int stream;  /* 1: write y with non-temporal stores */
} hp_rows_map;

typedef struct {
  /* Units [begin, end) of a softmax / logSoftmax call (see above). */
  void (*softmax_f32)(const hp_rows_lines *p, size_t begin, size_t end);
  void (*softmax_f64)(const hp_rows_lines *p, size_t begin, size_t end);
  /* Groups [begin, end) of a layerNorm call. */
  void (*layer_norm_f32)(const hp_rows_norm *p, size_t begin, size_t end);
  void (*layer_norm_f64)(const hp_rows_norm *p, size_t begin, size_t end);
  /* Elements [begin, end) of an element-wise call. */
  void (*map_f32)(const hp_rows_map *p, size_t begin, size_t end);
} hp_rows_table;

HP_DECLARE_TABLES(hp_rows_table, hp_rows)

/* Element offset of outer row r (o0 x o1 x o2, row-major order of rows). */
static inline ptrdiff_t hp_rows_outer(size_t r, size_t o1, size_t o2, const ptrdiff_t *xs) {
  size_t i2 = r % o2;
  size_t i1 = (r / o2) % o1;
  size_t i0 = r / (o2 * o1);
  return (ptrdiff_t)i0 * xs[0] + (ptrdiff_t)i1 * xs[1] + (ptrdiff_t)i2 * xs[2];
}
#endif
