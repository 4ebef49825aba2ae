/*
 * pairwiseDistances for one element type (the names DT, DV, DFN, ... of distances_typed.h; PR
 * rows by PC = 2 vectors of columns per micro-tile, from distances_impl.h).
 * The method of the wasm build (src/backends/wasm/assembly/pairwiseDistances.ts), as a GEMM of
 * our own: both operands centred on mu (a mean of the points, so points far from the origin do
 * not cancel), D = |x - mu|^2 + |y - mu|^2 - 2 (x - mu).(y - mu) with the features in one pass
 * per PR x PC tile, and every entry where that form could have cancelled (D below half the sum
 * of the two squared norms, tiny, NaN or infinite) recomputed directly from the inputs in
 * float64. Elsewhere the relative error stays below about 4 (d + 2) eps. cosine and dot are the
 * same GEMM without centring (cosine on unit rows), finished without recomputation.
 */

/* Squared distances below this are recomputed whatever the GEMM form says (near the type's
 * smallest normal its value has lost relative precision). */
#define DSMALL ((DT)(DT_F64 ? 0x1p-900 : 0x1p-60))

static double DFN(direct)(const hp_pairwise_call *a, size_t i, size_t j) {
  const DT *x = (const DT *)a->x + i * a->xrs;
  const DT *y = (const DT *)a->y + j * a->yrs;
  double sum = 0;
  for (int p = 0; p < a->d; p++) {
    const double diff = (double)x[(size_t)p * a->xcs] - (double)y[(size_t)p * a->ycs];
    sum += diff * diff;
  }
  /* The root in float64: a squared distance below DT's range still gives its root. */
  return a->mode == 1 ? sqrt(sum) : sum;
}

/* Cosine (mode 2) packs unit rows: the `count` values at p[0], p[stride], ... scaled by 1 / |row|
 * (in float64: for subnormal rows 1 / |row| overflows float32), a zero row left zero; returns
 * the row's flag, 0 for a zero row, else 1 (NaN rows stay NaN). Other modes: the squared norm. */
static DT DFN(unit)(const hp_pairwise_call *a, DT *p, size_t stride, double norm) {
  if (a->mode != 2) {
    return (DT)norm;
  }
  const double scale = norm > 0 ? 1 / sqrt(norm) : 0;
  for (int e = 0; e < a->d; e++) {
    p[(size_t)e * stride] = (DT)((double)p[(size_t)e * stride] * scale);
  }
  return norm == 0 ? (DT)0 : (DT)1;
}

/* Columns [j0, j1) of y (a multiple of PC apart) into panels of PC columns: panel q holds, for
 * each feature p, the PC values y[j, p] - mu[p] (0 past m); norms_y[j] = |y_j - mu|^2 (cosine:
 * unit columns and their zero flags, mu = 0). */
static void DFN(pairwise_pack)(const hp_pairwise_call *a, size_t j0, size_t j1) {
  const DT *y = a->y;
  const DT *mu = a->mu;
  const int d = a->d;
  DT *norms = a->norms_y;
  for (size_t j = j0; j < j1; j++) {
    DT *panel = (DT *)a->packed_y + (j / PC) * (size_t)PC * (size_t)d;
    const size_t col = j % PC;
    double norm = 0;
    for (int p = 0; p < d; p++) {
      const DT v = j < a->m ? y[j * a->yrs + (size_t)p * a->ycs] - mu[p] : (DT)0;
      norm += (double)v * (double)v;
      panel[(size_t)p * PC + col] = v;
    }
    norms[j] = DFN(unit)(a, panel + col, PC, norm);
  }
}

/* Rows i0.. (up to PR, the rest repeats the last) of x - mu into xt [d][PR], norms into nx. */
static void DFN(pack_rows)(const hp_pairwise_call *a, size_t i0, size_t rows, DT *xt, DT *nx) {
  const DT *x = a->x;
  const DT *mu = a->mu;
  for (int r = 0; r < PR; r++) {
    const size_t i = i0 + ((size_t)r < rows ? (size_t)r : rows - 1);
    const DT *row = x + i * a->xrs;
    double norm = 0;
    for (int p = 0; p < a->d; p++) {
      const DT v = row[(size_t)p * a->xcs] - mu[p];
      norm += (double)v * (double)v;
      xt[(size_t)p * PR + (size_t)r] = v;
    }
    nx[r] = DFN(unit)(a, xt + r, PR, norm);
  }
}

/* A tile's final values for cosine (mode 2: 1 - x.y of unit rows, clipped to [0, 2], NaN kept,
 * 1 where either row is zero) and dot (mode 3: x.y). */
static void DFN(tile_similarity)(const hp_pairwise_call *a, DV acc[PR][2], const DT *nx, const DV nyv[2], size_t i0, size_t rows, size_t j0) {
  for (int r = 0; r < PR; r++) {
    if ((size_t)r >= rows) {
      continue;
    }
    DT *out = (DT *)a->out + (i0 + (size_t)r) * a->m + j0;
    for (int v = 0; v < 2; v++) {
      DV value = acc[r][v];
      if (a->mode == 2) {
        const DV zero = (DV){0};
        const DV two = zero + (DT)2;
        value = (DT)1 - value;
        value = DSEL(value < zero, zero, value);
        value = DSEL(value > two, two, value);
        /* Both masks lane-wide (a scalar comparison would give 1, not all ones). */
        value = DSEL((nyv[v] == zero) | ((zero + nx[r]) == zero), zero + (DT)1, value);
      }
      if (j0 + PC <= a->m) {
        *(DVU *)(out + v * DL) = value;
        continue;
      }
      for (int l = 0; l < DL; l++) {
        if (j0 + (size_t)(v * DL + l) < a->m) {
          out[v * DL + l] = value[l];
        }
      }
    }
  }
}

/* One PR x PC tile: rows i0 + [0, rows), columns j0 + [0, PC) of which those below m are stored. */
static void DFN(tile)(const hp_pairwise_call *a, const DT *xt, const DT *nx, const DT *panel, size_t i0, size_t rows, size_t j0) {
  DV acc[PR][2];
  for (int r = 0; r < PR; r++) {
    acc[r][0] = (DV){0};
    acc[r][1] = (DV){0};
  }
  for (int p = 0; p < a->d; p++) {
    const DV b0 = *(const DVU *)(panel + (size_t)p * PC);
    const DV b1 = *(const DVU *)(panel + (size_t)p * PC + DL);
    const DT *ap = xt + (size_t)p * PR;
    for (int r = 0; r < PR; r++) {
      acc[r][0] += b0 * ap[r];
      acc[r][1] += b1 * ap[r];
    }
  }
  const DT *ny = (const DT *)a->norms_y + j0;
  const DV nyv[2] = {*(const DVU *)ny, *(const DVU *)(ny + DL)};
  if (a->mode >= 2) {
    DFN(tile_similarity)(a, acc, nx, nyv, i0, rows, j0);
    return;
  }
  if (j0 + PC <= a->m) {
    /* Whole tile: store every value, note any lane the GEMM form may have cancelled in, and
     * only then (rarely) go over the tile lane by lane. r runs to the constant PR so the
     * accumulators stay in registers. */
    DIV bad = {0};
    for (int r = 0; r < PR; r++) {
      if ((size_t)r < rows) {
        DT *out = (DT *)a->out + (i0 + (size_t)r) * a->m + j0;
        for (int v = 0; v < 2; v++) {
          const DV sum = nx[r] + nyv[v];
          const DV dist = sum + acc[r][v] * (DT)-2;
          bad |= (dist < sum * (DT)0.5) | (dist < DSMALL) | ~(dist < (DT)INFINITY);
          DV value = dist;
          if (a->mode == 1) {
            for (int l = 0; l < DL; l++) {
              value[l] = DFN(root)(dist[l]);
            }
          }
          *(DVU *)(out + v * DL) = value;
        }
      }
    }
    int64_t any = 0;
    for (int l = 0; l < DL; l++) {
      any |= bad[l];
    }
    if (any == 0) {
      return;
    }
  }
  for (int r = 0; r < PR; r++) {
    if ((size_t)r >= rows) {
      continue;
    }
    DT *out = (DT *)a->out + (i0 + (size_t)r) * a->m + j0;
    for (int v = 0; v < 2; v++) {
      const DV sum = nx[r] + nyv[v];
      const DV dist = sum + acc[r][v] * (DT)-2;
      for (int l = 0; l < DL; l++) {
        const size_t j = j0 + (size_t)(v * DL + l);
        const int ok = dist[l] >= sum[l] * (DT)0.5 && dist[l] >= DSMALL && dist[l] < (DT)INFINITY;
        if (j < a->m) {
          out[v * DL + l] = ok ? (a->mode == 1 ? DFN(root)(dist[l]) : dist[l]) : (DT)DFN(direct)(a, i0 + (size_t)r, j);
        }
      }
    }
  }
}

/* Packed columns per block: the block's panels stay in L2 while every row tile passes over them. */
#define PBLOCK_BYTES ((size_t)256 * 1024)

static void DFN(pairwise_rows)(const hp_pairwise_call *a, size_t i0, size_t i1, void *scratch) {
  DT *xt = scratch;
  DT *nx = xt + (size_t)PR * (size_t)a->d;
  const size_t panels = (a->m + PC - 1) / PC;
  size_t per_block = PBLOCK_BYTES / (sizeof(DT) * (size_t)PC * (size_t)(a->d > 0 ? a->d : 1));
  per_block = per_block < 1 ? 1 : per_block;
  for (size_t q0 = 0; q0 < panels; q0 += per_block) {
    const size_t q1 = q0 + per_block < panels ? q0 + per_block : panels;
    for (size_t i = i0; i < i1; i += PR) {
      const size_t rows = i + PR <= i1 ? PR : i1 - i;
      DFN(pack_rows)(a, i, rows, xt, nx);
      for (size_t q = q0; q < q1; q++) {
        DFN(tile)(a, xt, nx, (const DT *)a->packed_y + q * (size_t)PC * (size_t)a->d, i, rows, q * PC);
      }
    }
  }
}
#undef DSMALL
