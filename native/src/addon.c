/*
 * The addon's entry: create() binds a context (heap base, thread pool, ISA path) to the
 * runtime's heap; info() says what this build and CPU can run; close() stops the pool. Kernel
 * families add their functions through HP_EXPORTS (see hotpath.h); every kernel function takes
 * (context, heapBytes, ...numbers), numbers being byte offsets into the heap, sizes and scalars.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotpath.h"

static hp_export_list *registered = NULL;

void hp_register(hp_export_list *list) {
  list->next = registered;
  registered = list;
}

napi_value hp_throw(napi_env env, const char *message) {
  napi_value code, msg, error;
  napi_create_string_utf8(env, "HOTPATH_NATIVE", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, code, msg, &error);
  napi_throw(env, error);
  return NULL;
}

/* Largest argument count of any kernel function. */
#define MAX_ARGS 40

hp_ctx *hp_args(napi_env env, napi_callback_info info, size_t count, double *out, size_t *heap_bytes) {
  size_t argc = MAX_ARGS;
  napi_value argv[MAX_ARGS];
  if (count + 2 > MAX_ARGS || napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    hp_throw(env, "internal: too many arguments");
    return NULL;
  }
  if (argc < count + 2) {
    char text[96];
    snprintf(text, sizeof text, "internal: expected %zu arguments, received %zu", count + 2, argc);
    hp_throw(env, text);
    return NULL;
  }
  hp_ctx *ctx = NULL;
  if (napi_get_value_external(env, argv[0], (void **)&ctx) != napi_ok || ctx == NULL || ctx->pool == NULL) {
    hp_throw(env, "internal: not an open native context");
    return NULL;
  }
  double bytes;
  if (napi_get_value_double(env, argv[1], &bytes) != napi_ok || !(bytes >= 0)) {
    hp_throw(env, "internal: heap size is not a number");
    return NULL;
  }
  *heap_bytes = (size_t)bytes;
  for (size_t i = 0; i < count; i++) {
    if (napi_get_value_double(env, argv[i + 2], &out[i]) != napi_ok) {
      char text[64];
      snprintf(text, sizeof text, "internal: argument %zu is not a number", i + 2);
      hp_throw(env, text);
      return NULL;
    }
  }
  return ctx;
}

void *hp_ptr(napi_env env, hp_ctx *ctx, size_t heap_bytes, double offset, double bytes) {
  if (!(offset >= 0) || !(bytes >= 0) || offset + bytes > (double)heap_bytes) {
    char text[128];
    snprintf(text, sizeof text, "internal: heap range [%.0f, %.0f) outside the heap's %zu bytes", offset, offset + bytes, heap_bytes);
    hp_throw(env, text);
    return NULL;
  }
  return ctx->base + (size_t)offset;
}

static void finalize_ctx(napi_env env, void *data, void *hint) {
  (void)hint;
  hp_ctx *ctx = data;
  if (ctx->pool != NULL) {
    hp_pool_destroy(ctx->pool);
  }
  if (ctx->heap_ref != NULL) {
    napi_delete_reference(env, ctx->heap_ref);
  }
  free(ctx);
}

static hp_isa isa_named(const char *name) {
  for (int i = 0; i < HP_ISA_COUNT; i++) {
    if (strcmp(name, hp_isa_name((hp_isa)i)) == 0) {
      return (hp_isa)i;
    }
  }
  return HP_ISA_COUNT;
}

/* create(heap: Uint8Array over the whole heap buffer, threads, isa name) -> context */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) {
    return hp_throw(env, "internal: create(heap, threads, isa)");
  }
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok || type != napi_uint8_array || offset != 0) {
    return hp_throw(env, "internal: the heap must be a Uint8Array over the whole buffer");
  }
  double threads;
  char name[16];
  size_t name_len;
  if (napi_get_value_double(env, argv[1], &threads) != napi_ok || !(threads >= 1 && threads <= 256) ||
      napi_get_value_string_utf8(env, argv[2], name, sizeof name, &name_len) != napi_ok) {
    return hp_throw(env, "internal: create(heap, threads 1-256, isa name)");
  }
  hp_isa isa = isa_named(name);
  if (isa == HP_ISA_COUNT || !(hp_isa_supported() & (1u << isa))) {
    char text[96];
    snprintf(text, sizeof text, "the %s path cannot run on this CPU", name);
    return hp_throw(env, text);
  }
  hp_ctx *ctx = calloc(1, sizeof *ctx);
  if (ctx == NULL) {
    return hp_throw(env, "out of memory");
  }
  ctx->base = data;
  ctx->threads = (int)threads;
  ctx->isa = isa;
  ctx->pool = hp_pool_create(ctx->threads);
  if (ctx->pool == NULL) {
    free(ctx);
    return hp_throw(env, "could not start the native thread pool");
  }
  napi_create_reference(env, argv[0], 1, &ctx->heap_ref);
  napi_value external;
  if (napi_create_external(env, ctx, finalize_ctx, NULL, &external) != napi_ok) {
    finalize_ctx(env, ctx, NULL);
    return hp_throw(env, "internal: could not create the context");
  }
  return external;
}

/* close(context): stops the pool now; later calls with this context throw. */
static napi_value close_ctx(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  hp_ctx *ctx = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&ctx) != napi_ok || ctx == NULL) {
    return hp_throw(env, "internal: close(context)");
  }
  if (ctx->pool != NULL) {
    hp_pool_destroy(ctx->pool);
    ctx->pool = NULL;
  }
  return NULL;
}

static void set_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}

/* Paths built into this binary (the check family's tables that exist). */
unsigned hp_isa_built(void);

/* info() -> { abi, features, supported: [...], built: [...], compiler } */
static napi_value info(napi_env env, napi_callback_info cb) {
  (void)cb;
  napi_value obj, abi, supported, built;
  napi_create_object(env, &obj);
  napi_create_uint32(env, HP_ABI, &abi);
  napi_set_named_property(env, obj, "abi", abi);
  set_string(env, obj, "features", hp_cpu_features());
#ifdef __VERSION__
  set_string(env, obj, "compiler", __VERSION__);
#endif
  napi_create_array(env, &supported);
  napi_create_array(env, &built);
  unsigned ok = hp_isa_supported(), have = hp_isa_built();
  uint32_t ns = 0, nb = 0;
  for (int i = 0; i < HP_ISA_COUNT; i++) {
    napi_value name;
    napi_create_string_utf8(env, hp_isa_name((hp_isa)i), NAPI_AUTO_LENGTH, &name);
    if (ok & (1u << i)) {
      napi_set_element(env, supported, ns++, name);
    }
    if (have & (1u << i)) {
      napi_set_element(env, built, nb++, name);
    }
  }
  napi_set_named_property(env, obj, "supported", supported);
  napi_set_named_property(env, obj, "built", built);
  return obj;
}

NAPI_MODULE_INIT() {
  static const hp_export core[] = {{"create", create}, {"close", close_ctx}, {"info", info}};
  for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
    napi_value fn;
    napi_create_function(env, core[i].name, NAPI_AUTO_LENGTH, core[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, core[i].name, fn);
  }
  for (hp_export_list *list = registered; list != NULL; list = list->next) {
    for (size_t i = 0; i < list->count; i++) {
      napi_value fn;
      napi_create_function(env, list->items[i].name, NAPI_AUTO_LENGTH, list->items[i].fn, NULL, &fn);
      napi_set_named_property(env, exports, list->items[i].name, fn);
    }
  }
  return exports;
}
