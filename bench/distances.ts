/**
 * distances benchmark: squared Euclidean distances (`pairwiseDistances`, metric 'sqeuclidean')
 * between every row of x float32 [20000, 128] and of y float32 [1000, 128], out [20000, 1000],
 * rated in GFLOP/s counted as 2 n m d (the GEMM form's count, as the kernel's cost). A first
 * case on x's first 2000 rows projects (linear in n) the slow contenders, which are skipped at
 * the full size when over the per-call budget. Contenders: hotpath wasm 2 threads (the
 * baseline), hotpath native 2 threads (the addon's widest path), wasm 1 thread and ref; naive TypeScript loops (float64 sums); tfjs cpu and wasm in the
 * GEMM form (|x|^2 + |y|^2 - 2 x.y, clipped at 0); scikit-learn's
 * euclidean_distances(X, Y, squared=True) through bench/sklearn_peer.py. Instead of a
 * cross-check of 20M outputs against the baseline, each contender's first result is held to a
 * float64 reference (the direct sum of squared differences) on 200 rows of x spread over it:
 * its max relative error is in the row's note. Targets printed beside hotpath wasm 2t: <= 0.05 s
 * at the full size, max relative error <= 1e-5.
 */
import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import { randomF32, type Contender, type Row } from './harness.js';
import { hotpathContender, NATIVE2, nativeContender, REF, vsSklearnNote, WASM1, WASM2 } from './hotpath.js';
import { NAIVE, TF_CPU, TF_WASM, tfContender, type PeerInput } from './peers.js';
import { measured, plainContender, Projector } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';
import { runSklearn, SKLEARN, sklearnRow } from './sklearnPeer.js';

type Tf = typeof import('@tensorflow/tfjs');

const D = 128;
/** Rows of x per case: a subsample first (for the projection), then the full size. */
const SIZES = [2_000, 20_000];
const QUICK_SIZES = [500, 2_000];
const M = 1_000;
const QUICK_M = 100;
/** Rows of x the float64 reference covers (every (n / SAMPLE_ROWS)-th; sklearn_peer.py picks the same). */
const SAMPLE_ROWS = 200;
const TARGET_S = 0.05;
const TARGET_ERROR = 1e-5;

/** Every (n / SAMPLE_ROWS)-th row index of x, as sklearn_peer.py picks them. */
function sampleRows(n: number): number[] {
  const step = Math.max(1, Math.floor(n / SAMPLE_ROWS));
  return Array.from({ length: Math.min(SAMPLE_ROWS, Math.ceil(n / step)) }, (_, i) => i * step);
}

/** out[i, j] = sum over d of (x[i] - y[j])^2 in float64, stored as float32: the plain loops a user writes first. */
export function naiveDistances(x: Float32Array, y: Float32Array, n: number, m: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const xRow = i * D;
    for (let j = 0; j < m; j++) {
      const yRow = j * D;
      let sum = 0;
      for (let f = 0; f < D; f++) {
        const diff = x[xRow + f]! - y[yRow + f]!;
        sum += diff * diff;
      }
      out[i * m + j] = sum;
    }
  }
  return out;
}

/** The float64 distances of the sample rows to every row of y: [rows.length, m]. */
function reference(x: Float32Array, y: Float32Array, rows: readonly number[], m: number): Float64Array {
  const out = new Float64Array(rows.length * m);
  rows.forEach((row, r) => {
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let f = 0; f < D; f++) {
        const diff = x[row * D + f]! - y[j * D + f]!;
        sum += diff * diff;
      }
      out[r * m + j] = sum;
    }
  });
  return out;
}

/** Largest |out - ref| / ref over the sample rows (infinite for NaN, or for a nonzero result where ref is 0). */
function maxRelError(out: ArrayLike<number>, ref: Float64Array, rows: readonly number[], m: number): number {
  let worst = 0;
  rows.forEach((row, r) => {
    for (let j = 0; j < m; j++) {
      const e = ref[r * m + j]!;
      const error = Math.abs(out[row * m + j]! - e);
      const relative = e > 0 ? error / e : error > 0 ? Number.POSITIVE_INFINITY : 0;
      worst = Number.isNaN(relative) ? Number.POSITIVE_INFINITY : Math.max(worst, relative);
    }
  });
  return worst;
}

/** |x|^2 + |y|^2 - 2 x.y with one GEMM, clipped at 0 as scikit-learn does. */
function tfGemmForm(tf: Tf, x: TfTensor, y: TfTensor): TfTensor {
  return tf.tidy(() => {
    const xx = tf.sum(tf.square(x), 1, true);
    const yy = tf.reshape(tf.sum(tf.square(y), 1), [1, -1]);
    return tf.relu(tf.sub(tf.add(xx, yy), tf.mul(tf.matMul(x, y, false, true), 2)));
  });
}

/** Each row's max relative error (in its note, and as a field for the JSON report), with the targets beside hotpath wasm 2t. */
function annotate(rows: readonly Row[], errors: Map<string, number>, full: boolean): (Row & { readonly maxRelError?: number })[] {
  return rows.map((r) => {
    const error = errors.get(r.contender);
    if (r.status !== 'ok' || error === undefined) {
      return r;
    }
    const notes = [`max rel err vs float64 on ${SAMPLE_ROWS} rows ${error.toExponential(1)}`];
    const vsSklearn = r.contender === NATIVE2 && full ? vsSklearnNote(r, rows, SKLEARN) : undefined;
    if (vsSklearn !== undefined) {
      notes.push(vsSklearn);
    }
    if (r.contender === WASM2) {
      notes[0] += ` (target <= ${TARGET_ERROR.toExponential(0)}: ${error <= TARGET_ERROR ? 'met' : 'MISSED'})`;
      if (full) {
        notes.push(`target <= ${TARGET_S} s: ${r.medianMs! / 1000 <= TARGET_S ? 'met' : 'MISSED'}`);
      }
    }
    return { ...r, note: `${notes.join('; ')}; ${r.note}`, maxRelError: error };
  });
}

export const distances: Workload = {
  name: 'distances',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const sizes = ctx.quick ? QUICK_SIZES : SIZES;
    const m = ctx.quick ? QUICK_M : M;
    const full = randomF32(sizes[sizes.length - 1]! * D, 81);
    const y = randomF32(m * D, 82);
    const projector = new Projector(ctx.budgetMs, (n) => n, (n) => `n=${n}`);
    const rows: Row[] = [];
    for (const [index, n] of sizes.entries()) {
      const x = full.subarray(0, n * D);
      const size = `[${n},${D}] x [${m},${D}]${index < sizes.length - 1 ? ' (subsample)' : ''}`;
      ctx.log(`distances ${size}`);
      const sample = sampleRows(n);
      const ref = reference(x, y, sample, m);
      const errors = new Map<string, number>();
      const skip = (name: string): string | undefined => projector.skip(name, n);
      const hpInputs = [{ values: x, shape: [n, D] }, { values: y, shape: [m, D] }];
      const peerInputs: PeerInput[] = [{ name: 'x', values: x, shape: [n, D] }, { name: 'y', values: y, shape: [m, D] }];
      const { warmup, repeats } = ctx.quick ? { warmup: 1, repeats: 3 } : { warmup: 2, repeats: 9 };
      const work = { flops: 2 * n * m * D };
      const contenders: Contender[] = [
        hotpathContender(WASM2, 'wasm SIMD, 2 threads', ctx.hp.wasm2, 'pairwiseDistances', hpInputs, (hp, [a, b]) => hp.pairwiseDistances(a!, b!, { metric: 'sqeuclidean' }), skip(WASM2)),
        nativeContender(ctx.hp, 2, 'centred GEMM form', 'pairwiseDistances', hpInputs, (hp, [a, b]) => hp.pairwiseDistances(a!, b!, { metric: 'sqeuclidean' }), skip(NATIVE2)),
        hotpathContender(WASM1, 'wasm SIMD, 1 thread', ctx.hp.wasm1, 'pairwiseDistances', hpInputs, (hp, [a, b]) => hp.pairwiseDistances(a!, b!, { metric: 'sqeuclidean' }), skip(WASM1)),
        hotpathContender(REF, 'ref backend: plain loops over strides', ctx.hp.ref, 'pairwiseDistances', hpInputs, (hp, [a, b]) => hp.pairwiseDistances(a!, b!, { metric: 'sqeuclidean' }), skip(REF)),
        plainContender(NAIVE, 'plain TypeScript loops over Float32Array, float64 sums', () => naiveDistances(x, y, n, m), skip(NAIVE)),
        tfContender(TF_CPU, ctx.peers.tf, 'cpu', peerInputs, (tf, [a, b]) => tfGemmForm(tf, a!, b!), undefined, skip(TF_CPU)),
        tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', peerInputs, (tf, [a, b]) => tfGemmForm(tf, a!, b!), undefined, skip(TF_WASM)),
      ];
      const caseRows = await runCase({
        workload: 'distances',
        size,
        work,
        baseline: [WASM2],
        warmup,
        repeats,
        check: false,
        contenders: contenders.map((c) => measured(c, errors, (out) => maxRelError(out, ref, sample, m))),
      }, ctx);
      projector.record(caseRows, n);
      const outcome = await runSklearn('distances', { x: { values: x, shape: [n, D] }, y: { values: y, shape: [m, D] } }, ['--sample-rows', String(SAMPLE_ROWS)], warmup, repeats);
      if (outcome.status === 'ok') {
        errors.set(SKLEARN, outcome.json.max_rel_err as number);
      }
      const sk = sklearnRow(caseRows, work, outcome, 'euclidean_distances(X, Y, squared=True)', ctx.log);
      rows.push(...annotate([...caseRows, sk], errors, !ctx.quick && index === sizes.length - 1));
    }
    return rows;
  },
};
