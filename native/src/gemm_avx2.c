/*
 * GEMM on AVX2 + FMA: 16 ymm registers. float32: a 6 x 16 micro-tile (12 accumulators, 2 for the
 * B row, 1 broadcast: BLIS's haswell shape); float64: 6 x 8. Blocking as the AVX-512 path's
 * (gemm_avx512.c) with half-width panels: KC = 256, MC = 288 / 144 rows, NC = 4096 / 2048.
 */
#define GEMM_MR32 6
#define GEMM_MR64 6
#define GEMM_KC32 256
#define GEMM_KC64 256
#define GEMM_MC32 (6 * 48)
#define GEMM_MC64 (6 * 24)
#define GEMM_NC32 4096
#define GEMM_NC64 2048
#include "gemm_impl.h"
