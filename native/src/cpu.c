/*
 * Which instruction-set paths this CPU and OS can run. x86-64: CPUID for the features and
 * XGETBV for the OS's saved register state (a CPU with AVX-512 under an OS or hypervisor that
 * does not save the zmm registers must not use them). aarch64: Advanced SIMD is architectural.
 * Compiled for the baseline only; nothing here uses a wide instruction.
 */
#include <stdio.h>
#include <string.h>

#include "hotpath.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long xgetbv0(void) {
  unsigned eax, edx;
  __asm__ __volatile__("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

typedef struct {
  int avx, fma, f16c, osxsave, avx2, avx512f;
  unsigned long long xcr0;
} x86_features;

static x86_features detect(void) {
  x86_features f = {0};
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) {
    return f;
  }
  f.fma = (c >> 12) & 1;
  f.osxsave = (c >> 27) & 1;
  f.avx = (c >> 28) & 1;
  f.f16c = (c >> 29) & 1;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
    f.avx2 = (b >> 5) & 1;
    f.avx512f = (b >> 16) & 1;
  }
  if (f.osxsave) {
    f.xcr0 = xgetbv0();
  }
  return f;
}

unsigned hp_isa_supported(void) {
  x86_features f = detect();
  unsigned bits = 1u << HP_ISA_SCALAR;
  /* XCR0 bits 1-2: SSE and AVX (ymm) state; bits 5-7: opmask, zmm0-15 upper halves, zmm16-31. */
  int ymm = f.osxsave && (f.xcr0 & 0x6) == 0x6;
  int zmm = ymm && (f.xcr0 & 0xe0) == 0xe0;
  if (ymm && f.avx && f.avx2 && f.fma && f.f16c) {
    bits |= 1u << HP_ISA_AVX2;
    if (zmm && f.avx512f) {
      bits |= 1u << HP_ISA_AVX512;
    }
  }
  return bits;
}

const char *hp_cpu_features(void) {
  static char text[160];
  x86_features f = detect();
  snprintf(text, sizeof text, "x86-64:%s%s%s%s%s; OS saves %s", f.avx512f ? " avx512f" : "", f.avx2 ? " avx2" : "", f.fma ? " fma" : "", f.f16c ? " f16c" : "", f.avx ? " avx" : "",
           !f.osxsave ? "no extended state (no OSXSAVE)" : (f.xcr0 & 0xe6) == 0xe6 ? "zmm, ymm" : (f.xcr0 & 0x6) == 0x6 ? "ymm only" : "xmm only");
  return text;
}

#elif defined(__aarch64__)

unsigned hp_isa_supported(void) {
  return (1u << HP_ISA_NEON) | (1u << HP_ISA_SCALAR);
}

const char *hp_cpu_features(void) {
  return "aarch64: asimd (neon)";
}

#else

unsigned hp_isa_supported(void) {
  return 1u << HP_ISA_SCALAR;
}

const char *hp_cpu_features(void) {
  return "unknown architecture: scalar only";
}

#endif

const char *hp_isa_name(hp_isa isa) {
  static const char *names[HP_ISA_COUNT] = {"avx512", "avx2", "neon", "scalar"};
  return isa < HP_ISA_COUNT ? names[isa] : "unknown";
}
