/*
 * lloyd / hamerly for one element type (the names DT, DV, DFN, ... of distances_typed.h; and from
 * distances_impl.h DFN(widen) (HP_VD_LANES values as float64), DFN(score_bound) (the scores'
 * rounding bound) and DFN(tiny) (rounding below the normal range)).
 * The method of the wasm build (src/backends/wasm/assembly/lloyd.ts, lloydLabel.ts), laid out
 * with rows in the vector lanes: LV vectors of rows (packed transposed) against LC centroids at a
 * time (a register-blocked GEMM), scores |c|^2 - 2 x.c folded at once into each lane's smallest
 * score, its index and the runner-up, so no score is stored and no lane is reduced across. The
 * smallest wins where its gap to the runner-up exceeds what the scores' rounding (and the
 * reference's own) could explain; elsewhere the label is recomputed from float64 distances in
 * feature order, exactly as the reference (src/backends/ref/lloyd.ts) computes them. Sums are
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

/* Row px + offset (each value rounded to DT, as the add kernel stores it) into out [d]. */
static const DT *DFN(centred)(const hp_lloyd_call *a, const DT *px, DT *out) {
  const DT *off = a->offset;
  for (int p = 0; p < a->d; p++) {
    out[p] = px[p] + off[p];
  }
  return out;
}

/* The rows of a group (+ the offset, when there is one), transposed: xt [d][LV * DL] (rows past
 * `rows` repeat the last), and their squared norms lane by lane (x2 [LV], in DT, features in
 * order). */
static void DFN(pack_group)(const hp_lloyd_call *a, const DT *const *rows, int count, DT *xt, DV *x2) {
  const int width = LV * DL;
  const DT *off = a->offset;
  for (int v = 0; v < LV; v++) {
    x2[v] = (DV){0};
  }
  for (int p = 0; p < a->d; p++) {
    DT *col = xt + (size_t)p * (size_t)width;
    if (off == NULL) {
      for (int r = 0; r < width; r++) {
        col[r] = rows[r < count ? r : count - 1][p];
      }
    } else {
      const DT o = off[p];
      for (int r = 0; r < width; r++) {
        col[r] = rows[r < count ? r : count - 1][p] + o;
      }
    }
    for (int v = 0; v < LV; v++) {
      const DV xv = *(const DVU *)(col + v * DL);
      x2[v] += xv * xv;
    }
  }
}

/* mask ? a : b, lane by lane (mask lanes all ones or all zeros). */
#define DSEL(mask, a, b) ((DV)(((DIV)(a) & (mask)) | ((DIV)(b) & ~(mask))))

/* Each lane's (row's) smallest score over all kpad centroids (best1), its lowest index (idx)
 * and the runner-up (best2); NaN scores never count. */
static void DFN(group_best)(const hp_lloyd_call *a, const DT *xt, DV *best1, DV *best2, DIV *idx) {
  const DT *ct = a->ct;
  const DT *cn = a->cn;
  const int kpad = a->kpad;
  for (int v = 0; v < LV; v++) {
    best1[v] = (DV){0} + (DT)INFINITY;
    best2[v] = best1[v];
    idx[v] = (DIV){0};
  }
  for (int j = 0; j < kpad; j += LC) {
    DV acc[LC][LV];
    for (int q = 0; q < LC; q++) {
      for (int v = 0; v < LV; v++) {
        acc[q][v] = (DV){0};
      }
    }
    for (int p = 0; p < a->d; p++) {
      const DT *cp = ct + (size_t)p * (size_t)kpad + (size_t)j;
      DV xv[LV];
      for (int v = 0; v < LV; v++) {
        xv[v] = *(const DVU *)(xt + (size_t)p * (size_t)(LV * DL) + (size_t)(v * DL));
      }
      for (int q = 0; q < LC; q++) {
        const DT cq = cp[q];
        for (int v = 0; v < LV; v++) {
          acc[q][v] += xv[v] * cq;
        }
      }
    }
    /* In centroid order, strict <: the lowest index wins a tie. */
    for (int q = 0; q < LC; q++) {
      for (int v = 0; v < LV; v++) {
        const DV score = acc[q][v] * (DT)-2 + cn[j + q];
        const DIV lt = score < best1[v];
        const DV demoted = DSEL(lt, best1[v], score);
        best2[v] = DSEL(demoted < best2[v], demoted, best2[v]);
        best1[v] = DSEL(lt, score, best1[v]);
        idx[v] = (lt & (j + q)) | (idx[v] & ~lt);
      }
    }
  }
}

/* The reference's label: float64 distances in feature order, first strict minimum (NaN never
 * wins). */
__attribute__((optimize("fp-contract=off"))) static int DFN(exact_label)(const hp_lloyd_call *a, const DT *px) {
  const DT *c = a->c;
  int best = 0;
  double best_dist = INFINITY;
  for (int j = 0; j < a->k; j++) {
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
 * distances (which err by up to about (d + 2) 2^-53 (|x| + |c|)^2). |x| <= u + |c| for the
 * hinted centroid (u bounds that distance), so the margin needs no pass over the row; |c| from
 * the rounded norms, enlarged by 1e-6 for their rounding. */
static int DFN(proven)(const hp_lloyd_call *a, double u, double l) {
  const double reach = u + 2 * a->max_c * (1 + 1e-6);
  const double margin = (double)(4 * (a->d + 2)) * F64_U * reach * reach + (double)(8 * (a->d + 2)) * F64_TINY;
  return u * u + margin < l * l;
}

/* The label of a row from its smallest score b (at bi) and runner-up `second`: bi where the gap
 * exceeds the rounding bound, else exact_label (of px + offset, centred into row [d], when there
 * is an offset). x2: the row's |x|^2. With bounds != NULL also writes Hamerly's bounds for the
 * row (after an exact recompute: Infinity, 0). */
static int DFN(label)(const hp_lloyd_call *a, DT b, int bi, DT second, const DT *px, DT x2, double *bounds, DT *row) {
  const DT bound = DFN(score_bound)(a, x2);
  if (!(second - b > bound)) {
    if (bounds != NULL) {
      bounds[0] = INFINITY;
      bounds[1] = 0;
    }
    return DFN(exact_label)(a, a->offset == NULL ? px : DFN(centred)(a, px, row));
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
  DT *xt = scratch;
  int32_t *list = (int32_t *)(xt + (size_t)d * (size_t)(LV * DL));
  DT *row = (DT *)(list + HP_LLOYD_BLOCK);
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
        if (DFN(proven)(a, u, l)) {
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
  for (int g = 0; g < count; g += LV * DL) {
    const int n = count - g < LV * DL ? count - g : LV * DL;
    const DT *rows[LV * DL];
    for (int r = 0; r < n; r++) {
      rows[r] = x + (b0 + (size_t)list[g + r]) * a->xrs;
    }
    DV x2[LV], best1[LV], best2[LV];
    DIV idx[LV];
    DFN(pack_group)(a, rows, n, xt, x2);
    DFN(group_best)(a, xt, best1, best2, idx);
    for (int r = 0; r < n; r++) {
      const size_t i = b0 + (size_t)list[g + r];
      double *bounds = a->bounds_out == NULL ? NULL : a->bounds_out + 2 * i;
      const int v = r / DL;
      const int l = r % DL;
      a->labels[i] = DFN(label)(a, best1[v][l], (int)idx[v][l], best2[v][l], rows[r], x2[v][l], bounds, row);
    }
  }
  /* Sums in row order (the reference's order). */
  const DT *w = a->w;
  for (size_t i = b0; i < b1; i++) {
    const double weight = w == NULL ? 1 : (double)w[i * a->ws];
    const int32_t label = a->labels[i];
    const DT *px = x + i * a->xrs;
    DFN(accumulate)(a->offset == NULL ? px : DFN(centred)(a, px, row), d, weight, w != NULL, sums + (size_t)label * (size_t)d, counts + label);
  }
}
