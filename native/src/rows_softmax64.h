/*
 * softmax / logSoftmax in float64 (included by rows_impl.h after rows_softmax.h, whose notes
 * apply): the same walks with float64 lanes, exp to about 1 ulp (rows_vec.h), four float64
 * accumulators for the sum.
 */
HP_LINE_MAX(line_max_f64, hp_vd, double, VD, vd_max, vd_splat, vd_max_lanes)

HP_INLINE hp_vd shifted_exp_f64(hp_vd x, hp_vd nt) {
  hp_vd hi = x + nt;
  return vd_exp_nonpositive(hi, vd_two_sum_low(x, nt, hi));
}

HP_INLINE hp_vd log_out_f64(hp_vd x, hp_vd nt, hp_vd logsum) {
  hp_vd hi = x + nt;
  hp_vd lo = vd_two_sum_low(x, nt, hi);
  return (hi - logsum) + vd_zero_where(lo != lo, lo);
}

/* float64 lines are written with plain stores (`stream` is for float32 outputs). */
static void line_f64(const void *xv, void *yv, size_t n, int log, int stream) {
  (void)stream;
  const double *x = xv;
  double *y = yv;
  hp_vd nt = vd_splat(-line_max_f64(x, n));
  hp_vd s0 = vd_splat(0), s1 = s0, s2 = s0, s3 = s0;
  size_t j = 0;
  for (; j + 2 * VD <= n; j += 2 * VD) {
    hp_vd ea = shifted_exp_f64(vd_load(x + j), nt);
    hp_vd eb = shifted_exp_f64(vd_load(x + j + VD), nt);
    if (!log) {
      vd_store(y + j, ea);
      vd_store(y + j + VD, eb);
    }
    if (j & (2 * VD)) {
      s2 += ea;
      s3 += eb;
    } else {
      s0 += ea;
      s1 += eb;
    }
  }
  for (; j < n; j += VD) {
    size_t count = n - j < (size_t)VD ? n - j : (size_t)VD;
    hp_vd e = shifted_exp_f64(vd_load_part(x + j, count, -INFINITY), nt);
    if (!log) {
      vd_store_part(y + j, count, e);
    }
    s0 += e;
  }
  double sum = vd_sum((s0 + s1) + (s2 + s3));
  if (log) {
    hp_vd logsum = vd_splat(log_double(sum));
    for (j = 0; j + VD <= n; j += VD) {
      vd_store(y + j, log_out_f64(vd_load(x + j), nt, logsum));
    }
    if (j < n) {
      vd_store_part(y + j, n - j, log_out_f64(vd_load_part(x + j, n - j, 0), nt, logsum));
    }
    return;
  }
  hp_vd inv = vd_splat(1.0 / sum);
  for (j = 0; j + VD <= n; j += VD) {
    vd_store(y + j, vd_load(y + j) * inv);
  }
  if (j < n) {
    vd_store_part(y + j, n - j, vd_load_part(y + j, n - j, 0) * inv);
  }
}

static void columns_f64(const void *xv, void *yv, size_t n, ptrdiff_t xa, size_t inner, size_t width, int log) {
  const double *x = xv;
  double *y = yv;
  hp_vd m = vd_splat(-INFINITY);
  for (size_t i = 0; i < n; i++) {
    m = vd_max(vd_load_width(x + (ptrdiff_t)i * xa, width, -INFINITY), m);
  }
  hp_vd nt = -m;
  hp_vd s = vd_splat(0);
  for (size_t i = 0; i < n; i++) {
    hp_vd e = shifted_exp_f64(vd_load_width(x + (ptrdiff_t)i * xa, width, -INFINITY), nt);
    if (!log) {
      vd_store_width(y + i * inner, width, e);
    }
    s += e;
  }
  if (log) {
    hp_vd logsum;
    for (int l = 0; l < VD; l++) {
      logsum[l] = log_double(s[l]);
    }
    for (size_t i = 0; i < n; i++) {
      vd_store_width(y + i * inner, width, log_out_f64(vd_load_width(x + (ptrdiff_t)i * xa, width, 0), nt, logsum));
    }
    return;
  }
  hp_vd inv = 1.0 / s;
  for (size_t i = 0; i < n; i++) {
    vd_store_width(y + i * inner, width, vd_load_width(y + i * inner, width, 0) * inv);
  }
}

static void softmax_f64(const hp_rows_lines *p, size_t begin, size_t end) {
  walk_units(p, begin, end, sizeof(double), VD, line_f64, columns_f64);
}
