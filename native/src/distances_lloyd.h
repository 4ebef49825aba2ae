/*
 * lloyd / hamerly for one element type (the names DT, DV, DFN, ... of distances_typed.h; and from
 * distances_impl.h DFN(widen) (HP_VD_LANES values as float64), DFN(score_bound) (the scores'
 * rounding bound) and DFN(tiny) (rounding below the normal range)).
 * The same method as the wasm build (src/backends/wasm/assembly/lloyd.ts, lloydLabel.ts): scores
 * |c|^2 - 2 x.c for LR rows at a time against every centroid (a small register-blocked GEMM);
 * the smallest score wins where its gap to the runner-up exceeds what the scores' rounding (and
 * the reference's own) could explain; elsewhere the label is recomputed from float64 distances
 * in feature order, exactly as the reference (src/backends/ref/lloyd.ts) computes them. Sums are
 * float64 w * x added in row order within a block. The functions doing the reference's own
 * arithmetic are compiled without FMA contraction (fp-contract=off), so every path gives the
 * reference's bits.
 */

/* Centroids transposed into ct [d][kpad] (padding centroids 0, squared norm +Inf so they never win). */
static void DFN(lloyd_prepare)(const hp_lloyd_call *a, DT *ct, DT *cn) {
  const DT *c = a->c;
  for (int j = 0; j < a->kpad; j++) {
    double norm = 0;
    for (int p = 0; p < a->d; p++) {
      const DT v = j < a->k ? c[(size_t)j * a->crs + (size_t)p] : (DT)0;
      norm += (double)v * (double)v;
      ct[(size_t)p * (size_t)a->kpad + (size_t)j] = v;
    }
    cn[j] = j < a->k ? (DT)norm : (DT)INFINITY;
  }
}

/* Scores of LR rows (rows[r]) against all kpad centroids into sc [LR][kpad]: LG vectors of
 * centroids by LR rows of accumulators, the features in order. */
static void DFN(scores)(const DT *const rows[LR], int d, const DT *ct, int kpad, const DT *cn, DT *sc) {
  for (int g = 0; g < kpad; g += LG * DL) {
    DV acc[LR][LG];
    for (int r = 0; r < LR; r++) {
      for (int v = 0; v < LG; v++) {
        acc[r][v] = (DV){0};
      }
    }
    for (int p = 0; p < d; p++) {
      const DT *cp = ct + (size_t)p * (size_t)kpad + (size_t)g;
      DV cv[LG];
      for (int v = 0; v < LG; v++) {
        cv[v] = *(const DVU *)(cp + v * DL);
      }
      for (int r = 0; r < LR; r++) {
        const DT xv = rows[r][p];
        for (int v = 0; v < LG; v++) {
          acc[r][v] += cv[v] * xv;
        }
      }
    }
    for (int v = 0; v < LG; v++) {
      const DV nv = *(const DVU *)(cn + g + v * DL);
      for (int r = 0; r < LR; r++) {
        *(DVU *)(sc + (size_t)r * (size_t)kpad + (size_t)(g + v * DL)) = acc[r][v] * (DT)-2 + nv;
      }
    }
  }
}

/* |x|^2 in DT (relative error below (d + 1) DU, whatever the order). */
static DT DFN(sqnorm)(const DT *px, int d) {
  DV acc = {0};
  int p = 0;
  for (; p + DL <= d; p += DL) {
    const DV v = *(const DVU *)(px + p);
    acc += v * v;
  }
  DT s = 0;
  for (int l = 0; l < DL; l++) {
    s += acc[l];
  }
  for (; p < d; p++) {
    s += px[p] * px[p];
  }
  return s;
}

/* The reference's label: float64 distances in feature order, first strict minimum (NaN never
 * wins), over the centroids whose score is not above `limit` (NaN scores included): the others
 * are farther than the best for certain. */
__attribute__((optimize("fp-contract=off"))) static int DFN(exact_label)(const hp_lloyd_call *a, const DT *px, const DT *s, DT limit) {
  const DT *c = a->c;
  int best = 0;
  double best_dist = INFINITY;
  for (int j = 0; j < a->k; j++) {
    if (s[j] > limit) {
      continue;
    }
    const DT *pc = c + (size_t)j * a->crs;
    double dist = 0;
    for (int p = 0; p < a->d; p++) {
      const double diff = (double)px[p] - (double)pc[p];
      dist += diff * diff;
    }
    if (dist < best_dist) {
      best_dist = dist;
      best = j;
    }
  }
  return best;
}

/* w * x added to the label's row of the block sums (float64, feature by feature, the product
 * rounded before the sum as in the reference), and w to its count. */
__attribute__((optimize("fp-contract=off"))) static void DFN(accumulate)(const DT *px, int d, double w, int weighted, double *row, double *count) {
  int p = 0;
  for (; p + HP_VD_LANES <= d; p += HP_VD_LANES) {
    const hp_vd v = DFN(widen)(px + p);
    *(hp_vdu *)(row + p) += weighted ? v * w : v;
  }
  for (; p < d; p++) {
    row[p] += w * (double)px[p];
  }
  *count += w;
}

/* Whether Hamerly's bounds u (to the hinted centroid) and l (to every other), already widened by
 * the drift, prove the hinted centroid strictly nearest also for the reference's float64
 * distances (which err by up to about (d + 2) 2^-53 (|x| + |c|)^2). */
static int DFN(proven)(const hp_lloyd_call *a, const DT *px, double u, double l) {
  const double x2 = (double)DFN(sqnorm)(px, a->d);
  const double reach = sqrt(x2) * (1 + (double)(a->d + 1) * DU) + a->max_c;
  const double margin = (double)(4 * (a->d + 2)) * F64_U * reach * reach + (double)(8 * (a->d + 2)) * F64_TINY;
  return u * u + margin < l * l;
}

/* The label of a row from its kpad scores s: the smallest score, its lowest index and the
 * runner-up, lane-wise then across lanes; a gap within the rounding bound is settled by
 * exact_label. With bounds != NULL also writes Hamerly's bounds for the row (after an exact
 * recompute: Infinity, 0). */
static int DFN(label)(const hp_lloyd_call *a, const DT *s, const DT *px, double *bounds) {
  DV best1 = (DV){0} + (DT)INFINITY;
  DV best2 = best1;
  DIV idx = {0};
  DIV lane;
  for (int l = 0; l < DL; l++) {
    lane[l] = l;
  }
  for (int j = 0; j < a->kpad; j += DL) {
    const DV v = *(const DVU *)(s + j);
    const DIV lt = v < best1;
    /* lt: the old best is demoted to a runner-up candidate; else v is (NaN never passes <). */
    const DV demoted = (DV)(((DIV)best1 & lt) | ((DIV)v & ~lt));
    const DIV lt2 = demoted < best2;
    best2 = (DV)(((DIV)demoted & lt2) | ((DIV)best2 & ~lt2));
    best1 = (DV)(((DIV)v & lt) | ((DIV)best1 & ~lt));
    idx = (lane & lt) | (idx & ~lt);
    lane += DL;
  }
  DT b = (DT)INFINITY;
  int bi = 0;
  for (int l = 0; l < DL; l++) {
    const int take = best1[l] < b || (best1[l] == b && (int)idx[l] < bi);
    b = take ? best1[l] : b;
    bi = take ? (int)idx[l] : bi;
  }
  DT second = (DT)INFINITY;
  for (int l = 0; l < DL; l++) {
    const DT other = (best1[l] == b && (int)idx[l] == bi) ? best2[l] : best1[l];
    second = other < second ? other : second;
  }
  const DT x2 = DFN(sqnorm)(px, a->d);
  const DT bound = DFN(score_bound)(a, x2);
  if (!(second - b > bound)) {
    if (bounds != NULL) {
      bounds[0] = INFINITY;
      bounds[1] = 0;
    }
    /* A NaN limit (NaN or infinite best) keeps every centroid in. */
    return DFN(exact_label)(a, px, s, b + bound);
  }
  if (bounds != NULL) {
    /* |x|^2 is itself a sum of d squares in DT: relative error below (d + 1) DU. */
    const double slack = (double)x2 * (double)(2 * (a->d + 1)) * DU + DFN(tiny)(a->d);
    const double lower = (double)x2 - slack + (double)second - (double)bound;
    bounds[0] = sqrt((double)x2 + slack + (double)b + (double)bound);
    bounds[1] = sqrt(lower > 0 ? lower : 0);
  }
  return bi;
}

static void DFN(lloyd_block)(const hp_lloyd_call *a, size_t block, void *scratch) {
  const size_t b0 = a->row_start + block * HP_LLOYD_BLOCK;
  const size_t b1 = b0 + HP_LLOYD_BLOCK < a->row_end ? b0 + HP_LLOYD_BLOCK : a->row_end;
  const int k = a->k;
  const int d = a->d;
  const size_t kd = (size_t)k * (size_t)d;
  double *sums = a->slots + block * (kd + (size_t)k);
  double *counts = sums + kd;
  memset(sums, 0, sizeof(double) * (kd + (size_t)k));
  const DT *x = a->x;
  DT *sc = scratch;
  int32_t *list = (int32_t *)(sc + (size_t)LR * (size_t)a->kpad);
  /* Rows to score (offsets from b0); rows whose widened bounds prove their hint keep it. */
  int count = 0;
  for (size_t i = b0; i < b1; i++) {
    if (a->hints != NULL) {
      const int32_t hinted = a->hints[i];
      if ((uint32_t)hinted < (uint32_t)k) {
        /* Widened by how far the centroids moved since (triangle inequality), rounded outwards. */
        const double *q = a->bounds_in + 2 * i;
        const double u = q[0] * (1 + 1e-12) + a->drift[hinted];
        const double lw = q[1] * (1 - 1e-12) - (hinted == a->top_drift ? a->second_drift : a->max_drift);
        const double l = lw > 0 ? lw : 0;
        if (DFN(proven)(a, x + i * a->xrs, u, l)) {
          a->labels[i] = hinted;
          if (a->bounds_out != NULL) {
            a->bounds_out[2 * i] = u;
            a->bounds_out[2 * i + 1] = l;
          }
          continue;
        }
      }
    }
    list[count++] = (int32_t)(i - b0);
  }
  for (int g = 0; g < count; g += LR) {
    const int last = g + LR - 1 < count - 1 ? g + LR - 1 : count - 1;
    const DT *rows[LR];
    for (int r = 0; r < LR; r++) {
      const int e = g + r < last ? g + r : last;
      rows[r] = x + (b0 + (size_t)list[e]) * a->xrs;
    }
    DFN(scores)(rows, d, a->ct, a->kpad, a->cn, sc);
    for (int e = g; e <= last; e++) {
      const size_t i = b0 + (size_t)list[e];
      double *bounds = a->bounds_out == NULL ? NULL : a->bounds_out + 2 * i;
      a->labels[i] = DFN(label)(a, sc + (size_t)(e - g) * (size_t)a->kpad, rows[e - g], bounds);
    }
  }
  /* Sums in row order (the reference's order). */
  const DT *w = a->w;
  for (size_t i = b0; i < b1; i++) {
    const double weight = w == NULL ? 1 : (double)w[i * a->ws];
    const int32_t label = a->labels[i];
    DFN(accumulate)(x + i * a->xrs, d, weight, w != NULL, sums + (size_t)label * (size_t)d, counts + label);
  }
}
