/* The distance family on the neon path (flags from scripts/build-native.mjs). */
#include "distances_impl.h"
