/*
 * One element type's kernels: distances_impl.h includes this twice, with DT_F64 0 (float) and 1
 * (double). Sets the names the per-type bodies use, includes them, and clears the names again:
 *   DT (the type), DV / DVU (its vector, aligned / unaligned), DIV (integer vector of the same
 *   lanes), DL (lanes), DU (unit roundoff, as double), DFN(name) (name with the type's suffix).
 */
#if DT_F64
#define DFN(name) name##_f64
#define DT double
#define DV hp_vd
#define DVU hp_vdu
#define DIV hp_vl
#define DL HP_VD_LANES
#define DU F64_U
#else
#define DFN(name) name##_f32
#define DT float
#define DV hp_vf
#define DVU hp_vfu
#define DIV hp_vi
#define DL HP_VF_LANES
#define DU ((double)F32_U)
#endif

#include "distances_lloyd.h"
#define PC (2 * DL)
#include "distances_pairwise.h"
#undef PC

#undef DFN
#undef DT
#undef DV
#undef DVU
#undef DIV
#undef DL
#undef DU
#undef DT_F64
