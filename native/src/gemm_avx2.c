/*
 * GEMM on AVX2 + FMA: 16 ymm registers. float32: a 6 x 16 micro-tile (12 accumulators, 2 for the
 * B row, 1 broadcast: BLIS's haswell shape); float64: 6 x 8. Blocking by the reasoning of
 * gemm_avx512.c: A micro-panel in L1 (6 x 256 x 4 B = 6 KiB, 6 x 256 x 8 B = 12 KiB), the B
 * block in L2 (256 x 512 x 4 B = 256 x 256 x 8 B = 512 KiB), the A block (1536 rows) in L3.
 */
#define GEMM_MR32 6
#define GEMM_MR64 6
#define GEMM_KC32 256
#define GEMM_KC64 256
#define GEMM_MC32 (6 * 256)
#define GEMM_MC64 (6 * 256)
#define GEMM_NC32 512
#define GEMM_NC64 256
#include "gemm_impl.h"
