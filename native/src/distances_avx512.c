/* The distance family on the avx512 path (flags from scripts/build-native.mjs). */
#define HP_LLOYD_CENTROIDS 8
#define HP_PAIRWISE_ROWS 8
#include "distances_impl.h"
