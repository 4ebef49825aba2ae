/*
 * Element-wise exp and sigmoid of the rows family, float32 (included by rows_impl.h). wasm runs
 * them at 61-81% of copy bandwidth (compute-bound in 128-bit lanes); here they are streams at
 * the full vector width, written like the row kernels (non-temporal stores past 8 MiB).
 */

/*
 * e^z for any float32 z, within 1 ulp: z clamped to [-104, 88.8] (NaN stays NaN: maxps/minps
 * return their second operand then), the reduction and polynomial of vf_exp_nonpositive, and
 * 2^k applied in two halves (k in [-150, 128]: each half a normal float), so the one rounding of
 * the last product gives IEEE's overflow to Infinity above 88.72 and its subnormals below -87.3.
 */
HP_INLINE hp_vf vf_exp_any(hp_vf z) {
  hp_vf zc = vf_min(vf_splat(88.8f), vf_max(vf_splat(-104.0f), z));
  const float magic = 0x1.8p23f;
  hp_vf t = zc * 0x1.715476p0f + magic;
  hp_vf k = t - magic;
  hp_vf r = zc - k * 0x1.63p-1f;
  r = r - k * -0x1.bd0106p-13f;
  hp_vf q = r * 0x1.6a215ep-10f + 0x1.123b96p-7f;
  q = q * r + 0x1.5558fcp-5f;
  q = q * r + 0x1.55549p-3f;
  q = q * r + 0x1.fffffcp-2f;
  hp_vf p = (r + (r * r) * q) + 1.0f;
  hp_vi ki = __builtin_convertvector(k, hp_vi);
  hp_vi half = ki >> 1;
  hp_vf s1 = (hp_vf)((hp_vu)(half + 127) << 23);
  hp_vf s2 = (hp_vf)((hp_vu)(ki - half + 127) << 23);
  return (p * s1) * s2;
}

static hp_vf exp_lanes(const void *x, size_t j, size_t count) {
  return vf_exp_any(vf_load_width((const float *)x + j, count, 0));
}

/* 1 / (1 + e^-x): e^-x overflows to Infinity below x = -88.7 (the result is 0 there, under the
 * smallest normal) and underflows harmlessly above; one rounding each for the add and divide. */
static hp_vf sigmoid_lanes(const void *x, size_t j, size_t count) {
  hp_vf v = vf_load_width((const float *)x + j, count, 0);
  return 1.0f / (1.0f + vf_exp_any(-v));
}

static void map_f32(const hp_rows_map *p, size_t begin, size_t end) {
  const float *x = (const float *)p->x + begin;
  float *y = (float *)p->y + begin;
  if (p->op == HP_MAP_SIGMOID) {
    vf_write_row(y, end - begin, p->stream, sigmoid_lanes, x);
  } else {
    vf_write_row(y, end - begin, p->stream, exp_lanes, x);
  }
  hp_stream_fence();
}
