/* The distance family on the avx2 path (flags from scripts/build-native.mjs). */
#include "distances_impl.h"
