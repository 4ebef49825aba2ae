/*
 * hotpath native addon: what every translation unit shares.
 *
 * Layout of the sources (scripts/build-native.mjs compiles every .c file in native/src):
 * - addon.c, pool.c, cpu.c and each kernel family's glue (<family>.c) are compiled for the
 *   baseline of the target (x86-64: SSE2; aarch64: NEON) and never contain wide instructions.
 * - <family>_<isa>.c is compiled with that ISA's flags (_avx512: -mavx512f -mavx2 -mfma -mf16c,
 *   _avx2: -mavx2 -mfma -mf16c, _neon: aarch64 only, _scalar: baseline) and exports only a table
 *   of function pointers. The glue calls through the table chosen at create() time, after
 *   cpu.c's CPUID/XGETBV check, so no wide instruction can run on a CPU (or OS) without it.
 *   A family writes its kernels once, in <family>_impl.h, with GCC vector extensions
 *   (hp_vf / hp_vd below, HP_VEC_BYTES wide) and includes it from each _<isa>.c.
 *
 * Memory: every tensor lives in the runtime's CPU heap, one shared WebAssembly.Memory. The
 * addon holds its base address (stable: a shared wasm memory reserves its maximum and grows in
 * place) and JavaScript passes byte offsets, checked against the heap's current size.
 */
#ifndef HOTPATH_H
#define HOTPATH_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* Bumped when the JavaScript <-> addon contract changes; src/backends/native/addon.ts checks it. */
#define HP_ABI 1

/* Instruction-set paths, widest first. */
typedef enum { HP_ISA_AVX512 = 0, HP_ISA_AVX2 = 1, HP_ISA_NEON = 2, HP_ISA_SCALAR = 3, HP_ISA_COUNT = 4 } hp_isa;

const char *hp_isa_name(hp_isa isa);
/* Bit i set: path i can run on this CPU and OS (cpu.c). */
unsigned hp_isa_supported(void);
/* CPU features for doctor, e.g. "avx512f avx2 fma osxsave(zmm,ymm)"; static storage. */
const char *hp_cpu_features(void);

/* ---- thread pool (pool.c) ---- */

typedef struct hp_pool hp_pool;
/* One thread's share: thread t of n (t = 0 is the caller). */
typedef void (*hp_task)(void *ctx, int t, int n);

/* Starts threads - 1 workers; NULL when a thread cannot be created. */
hp_pool *hp_pool_create(int threads);
void hp_pool_destroy(hp_pool *pool);
int hp_pool_threads(const hp_pool *pool);
/* Runs task(ctx, t, n) for t in [0, n) on n threads (n clamped to [1, threads]), the caller
 * being thread 0; returns when all are done. Not reentrant: one call at a time per pool. */
void hp_parallel(hp_pool *pool, int n, hp_task task, void *ctx);
/* Splits [0, total) into n parts aligned to `align` (the last part takes the rest). */
void hp_range(size_t total, int n, int t, size_t align, size_t *begin, size_t *end);

/* ---- per-thread scratch (scratch.c) ---- */

typedef enum { HP_SCRATCH_GEMM = 0, HP_SCRATCH_DISTANCES = 1, HP_SCRATCH_SLOTS = 2 } hp_scratch_slot;
/* This OS thread's buffer for `slot`, at least `bytes`, 64-byte aligned, grown when too small and
 * freed when the thread exits; NULL when memory runs out. */
void *hp_scratch(hp_scratch_slot slot, size_t bytes);

/* ---- what a kernel call gets ---- */

typedef struct hp_ctx {
  uint8_t *base;        /* heap base address */
  hp_pool *pool;
  int threads;          /* threads the runtime allows (pool size) */
  hp_isa isa;           /* the path in use */
  napi_ref heap_ref;    /* keeps the heap's buffer alive */
} hp_ctx;

/* ---- glue helpers (addon.c) ---- */

/* Reads the call's arguments: argv[0] is the context (an external from create()), argv[1] the
 * heap's current byte length, then `count` numbers into out[]. Throws a JS TypeError and
 * returns NULL when anything is missing or not a number. */
hp_ctx *hp_args(napi_env env, napi_callback_info info, size_t count, double *out, size_t *heap_bytes);
/* base + offset after checking [offset, offset + bytes) lies in the heap (throws RangeError,
 * returns NULL otherwise). */
void *hp_ptr(napi_env env, hp_ctx *ctx, size_t heap_bytes, double offset, double bytes);
/* Throws `message` as a JS Error (code 'HOTPATH_NATIVE') and returns NULL. */
napi_value hp_throw(napi_env env, const char *message);

/* A kernel family's exported functions; each family registers its list once (HP_EXPORTS). */
typedef struct hp_export {
  const char *name;
  napi_callback fn;
} hp_export;
typedef struct hp_export_list {
  const hp_export *items;
  size_t count;
  struct hp_export_list *next;
} hp_export_list;
void hp_register(hp_export_list *list);
#define HP_EXPORTS(tag, array)                                                   \
  static hp_export_list hp_list_##tag = {array, sizeof(array) / sizeof(array[0]), NULL}; \
  __attribute__((constructor)) static void hp_register_##tag(void) { hp_register(&hp_list_##tag); }

/* Per-ISA tables of a family: <family>_<isa>.c defines `const T prefix_<isa>` (the build passes
 * -DHP_ISA_SUFFIX=<isa> and -DHP_VEC_BYTES; HP_TABLE_NAME(prefix) spells the name there); the glue
 * declares all four weak (a path not built for this architecture is NULL) and picks one. */
#define HP_CAT_(a, b) a##_##b
#define HP_CAT(a, b) HP_CAT_(a, b)
#define HP_TABLE_NAME(prefix) HP_CAT(prefix, HP_ISA_SUFFIX)
#define HP_DECLARE_TABLES(type, prefix)                 \
  extern const type prefix##_avx512 __attribute__((weak)); \
  extern const type prefix##_avx2 __attribute__((weak));   \
  extern const type prefix##_neon __attribute__((weak));   \
  extern const type prefix##_scalar __attribute__((weak));
/* The table of `isa`, or NULL when that path is not built here. */
#define HP_PICK_TABLE(prefix, isa)                                                                        \
  ((isa) == HP_ISA_AVX512 ? &prefix##_avx512 : (isa) == HP_ISA_AVX2 ? &prefix##_avx2 : (isa) == HP_ISA_NEON ? &prefix##_neon \
                                                                                                     : &prefix##_scalar)

/* ---- vector types for <family>_impl.h (set HP_VEC_BYTES before including) ---- */
#ifdef HP_VEC_BYTES
typedef float hp_vf __attribute__((vector_size(HP_VEC_BYTES)));
typedef double hp_vd __attribute__((vector_size(HP_VEC_BYTES)));
typedef int32_t hp_vi __attribute__((vector_size(HP_VEC_BYTES)));
/* Unaligned, alias-safe views for loads and stores: *(const hp_vfu *)p. */
typedef float hp_vfu __attribute__((vector_size(HP_VEC_BYTES), aligned(4), may_alias));
typedef double hp_vdu __attribute__((vector_size(HP_VEC_BYTES), aligned(8), may_alias));
#define HP_VF_LANES ((int)(HP_VEC_BYTES / 4))
#define HP_VD_LANES ((int)(HP_VEC_BYTES / 8))
#endif

#endif
