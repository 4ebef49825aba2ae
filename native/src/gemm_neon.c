/*
 * GEMM on aarch64 Advanced SIMD: 32 128-bit registers. float32: an 8 x 8 micro-tile (16
 * accumulators); float64: 8 x 4. Not measured (no arm64 machine here): blocking by the
 * reasoning of gemm_avx512.c for a 64 KiB L1d / 1 MiB L2 core (A micro-panel 8 KiB / 16 KiB,
 * B block 512 KiB, A block 1536 rows).
 */
#define GEMM_MR32 8
#define GEMM_MR64 8
#define GEMM_KC32 256
#define GEMM_KC64 256
#define GEMM_MC32 (8 * 192)
#define GEMM_MC64 (8 * 192)
#define GEMM_NC32 512
#define GEMM_NC64 256
#include "gemm_impl.h"
