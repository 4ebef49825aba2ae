/* Glue of the check family: dotF32(ctx, heapBytes, a, b, n) on the context's path. */
#include "check.h"

unsigned hp_isa_built(void) {
  unsigned bits = 0;
  for (int i = 0; i < HP_ISA_COUNT; i++) {
    if (HP_PICK_TABLE(hp_check, (hp_isa)i) != NULL) {
      bits |= 1u << i;
    }
  }
  return bits;
}

static napi_value dot_f32(napi_env env, napi_callback_info info) {
  double a[3];
  size_t heap;
  hp_ctx *ctx = hp_args(env, info, 3, a, &heap);
  if (ctx == NULL) {
    return NULL;
  }
  const float *x = hp_ptr(env, ctx, heap, a[0], a[2] * 4);
  const float *y = x == NULL ? NULL : hp_ptr(env, ctx, heap, a[1], a[2] * 4);
  if (y == NULL) {
    return NULL;
  }
  const hp_check_table *table = HP_PICK_TABLE(hp_check, ctx->isa);
  napi_value out;
  napi_create_double(env, table->dot_f32(x, y, (size_t)a[2]), &out);
  return out;
}

static const hp_export exports[] = {{"dotF32", dot_f32}};
HP_EXPORTS(check, exports)
