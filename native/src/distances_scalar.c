/* The distance family on the scalar path (flags from scripts/build-native.mjs). */
#include "distances_impl.h"
