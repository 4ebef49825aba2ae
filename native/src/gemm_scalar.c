/*
 * GEMM on the portable path (8-byte vectors, no auto-vectorisation): a 4 x 4 float32 and a 4 x 2
 * float64 micro-tile. Correct rather than fast; the blocking defaults of gemm_impl.h.
 */
#define GEMM_MR32 4
#define GEMM_MR64 4
#include "gemm_impl.h"
