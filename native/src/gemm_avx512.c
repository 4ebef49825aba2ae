/*
 * GEMM on AVX-512F: 32 zmm registers. float32: a 12 x 32 micro-tile (24 accumulators, 2 for the
 * B row, 1 broadcast); float64: 12 x 16. Zen 4 (the development machine) runs a 512-bit FMA as
 * two 256-bit halves, one per cycle, 4 cycles latency: 24 independent accumulators hide it.
 * Caches there (per core): L1d 32 KiB, L2 1 MiB; L3 32 MiB shared.
 *   KC: one B panel (KC x NR) is reused by every A panel of the block: 256 x 32 x 4 B = 32 KiB
 *       float32, 256 x 16 x 8 B = 32 KiB float64, streamed from L1/L2.
 *   MC: the packed A block (MC x KC) stays in L2: 288 x 256 x 4 B = 288 KiB, 144 x 256 x 8 B = 288 KiB.
 *   NC: the packed B block (KC x NC) in L3: 256 x 4096 x 4 B = 4 MiB per thread.
 */
#define GEMM_MR32 12
#define GEMM_MR64 12
#define GEMM_KC32 256
#define GEMM_KC64 256
#define GEMM_MC32 (12 * 24)
#define GEMM_MC64 (12 * 12)
#define GEMM_NC32 4096
#define GEMM_NC64 2048
#include "gemm_impl.h"
