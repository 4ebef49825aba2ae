/*
 * GEMM on AVX-512F: 32 zmm registers. float32: a 12 x 32 micro-tile (24 accumulators, 2 for the
 * B row, 1 broadcast); float64: 12 x 16. Zen 4 (the development machine) runs a 512-bit FMA as
 * two 256-bit halves, one zmm FMA per cycle, 4 cycles latency: 24 independent accumulators
 * hide it. Caches there (per core): L1d 32 KiB, L2 1 MiB; L3 32 MiB shared.
 *   KC: the A micro-panel (MR x KC, the broadcast operand) stays in L1 while the micro-kernel
 *       sweeps the B panels: 12 x 256 x 4 B = 12 KiB float32, 12 x 128 x 8 B = 12 KiB float64.
 *   NC: the packed B block (KC x NC) stays in L2: 256 x 512 x 4 B = 128 x 512 x 8 B = 512 KiB.
 *   MC: the packed A block (MC x KC) in L3: 1536 x 256 x 4 B = 1.5 MiB per thread.
 * Measured on one core (CPU time, n = 1024; peak 116 GFLOP/s float32 at 3.63 GHz): about
 * 102 GFLOP/s float32, 49 float64; KC 128-512, NC 256-1024 all within 3% of that; 14 x 32 slower.
 */
#define GEMM_MR32 12
#define GEMM_MR64 12
#define GEMM_KC32 256
#define GEMM_KC64 128
#define GEMM_MC32 (12 * 128)
#define GEMM_MC64 (12 * 128)
#define GEMM_NC32 512
#define GEMM_NC64 512
#include "gemm_impl.h"
