/* The distance family on the avx2 path (flags from scripts/build-native.mjs). */
#define HP_PAIRWISE_ROWS 6
#include "distances_impl.h"
