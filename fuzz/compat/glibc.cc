// The three symbols @jazzer.js's prebuilt fuzzer addon takes from glibc >= 2.38 and
// libstdc++ >= GCC 13, for systems with older ones (see fuzz/jazzerCompat.mjs). Preloaded into
// the fuzz processes only, never into the library.
#include <cstdlib>
#include <ios>

// C23's strtol/strtoul also accept a 0b prefix with base 0 or 2; libFuzzer parses decimal flags.
extern "C" long __isoc23_strtol(const char *text, char **end, int base) {
  return std::strtol(text, end, base);
}

extern "C" unsigned long __isoc23_strtoul(const char *text, char **end, int base) {
  return std::strtoul(text, end, base);
}

// GCC 13 code calls this once per translation unit that includes <iostream>, where GCC 12
// code constructs an ios_base::Init object: do that.
namespace std {
void ios_base_library_init() {
  static ios_base::Init init;
}
}  // namespace std
