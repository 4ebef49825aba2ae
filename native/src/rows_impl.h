/* Included by rows_<isa>.c after HP_VEC_BYTES and HP_ISA_SUFFIX are set (by the build). */
#include "rows_exp.h"
#include "rows_softmax.h"
#include "rows_softmax64.h"
#include "rows_norm.h"
#include "rows_map.h"

const hp_rows_table HP_TABLE_NAME(hp_rows) = {softmax_f32, softmax_f64, layer_norm_f32, layer_norm_f64, map_f32};
