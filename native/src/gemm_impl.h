/*
 * The GEMM family's kernels, written once with GCC vector extensions; gemm_<isa>.c includes this
 * after the build set HP_VEC_BYTES and HP_ISA_SUFFIX, and may first define the blocking:
 *   GEMM_MR32 / GEMM_MR64   rows of the micro-tile (float32 / float64)
 *   GEMM_KC32 / GEMM_KC64   depth of a packed slice (elements of k)
 *   GEMM_MC32 / GEMM_MC64   rows of A packed at a time (a multiple of MR)
 *   GEMM_NC32 / GEMM_NC64   columns of B packed at a time (a multiple of NR)
 * NR, the micro-tile's width, is always two vectors (C is row-major: each tile row is two
 * vector accumulators, and each step of k broadcasts one element of A per row).
 *
 * Loop nest (BLIS's, with A and B in each other's roles since C is row-major): for each
 * KC-deep slice of k and MC-row block of A (packed into MR-row panels, [kc][MR] each; the block
 * stays in L3), for each NC-column block of B (packed into NR-column panels, [kc][NR] each; the
 * block stays in L2), the micro-kernel runs over every (MR panel, NR panel) pair, A panel
 * outermost: one A micro-panel (the broadcast operand) stays in L1 while the B panels stream
 * from L2. The sizes for each path are in gemm_<isa>.c.
 *
 * The body is gemm_body.h, included once per dtype.
 */
#include <string.h>

#include "gemm.h"

#ifndef GEMM_MR32
#define GEMM_MR32 4
#endif
#ifndef GEMM_MR64
#define GEMM_MR64 4
#endif
#ifndef GEMM_KC32
#define GEMM_KC32 256
#endif
#ifndef GEMM_KC64
#define GEMM_KC64 256
#endif
#ifndef GEMM_MC32
#define GEMM_MC32 (GEMM_MR32 * 64)
#endif
#ifndef GEMM_MC64
#define GEMM_MC64 (GEMM_MR64 * 64)
#endif
#ifndef GEMM_NC32
#define GEMM_NC32 (HP_VF_LANES * 2 * 128)
#endif
#ifndef GEMM_NC64
#define GEMM_NC64 (HP_VD_LANES * 2 * 128)
#endif

#define GEMM_MIN(a, b) ((a) < (b) ? (a) : (b))
/* Packed panels start 64-byte aligned (scratch is; every panel is a multiple of 64 bytes or the last). */
#define GEMM_ALIGN(p) ((void *)(((uintptr_t)(p) + 63) & ~(uintptr_t)63))

#define GT float
#define GV hp_vf
#define GVU hp_vfu
#define GL HP_VF_LANES
#define GMR GEMM_MR32
#define GKC GEMM_KC32
#define GMC GEMM_MC32
#define GNC GEMM_NC32
#define GFN(name) name##_f32
#include "gemm_body.h"
#undef GT
#undef GV
#undef GVU
#undef GL
#undef GMR
#undef GKC
#undef GMC
#undef GNC
#undef GFN

#define GT double
#define GV hp_vd
#define GVU hp_vdu
#define GL HP_VD_LANES
#define GMR GEMM_MR64
#define GKC GEMM_KC64
#define GMC GEMM_MC64
#define GNC GEMM_NC64
#define GFN(name) name##_f64
#include "gemm_body.h"

const hp_gemm_table HP_TABLE_NAME(hp_gemm) = {
    product_f32,
    product_f64,
    product_rows_f32,
    product_rows_f64,
    {GEMM_MR32, HP_VF_LANES * 2, GEMM_KC32, GEMM_MC32, GEMM_NC32},
    {GEMM_MR64, HP_VD_LANES * 2, GEMM_KC64, GEMM_MC64, GEMM_NC64},
};
