/**
 * pairwiseDistances(x, y, { metric }): out[i, j] = distance between row i of x [n, d] and
 * row j of y [m, d]. Metrics (scikit-learn's meanings):
 * - `sqeuclidean`: sum (x - y)^2; `euclidean`: its square root;
 * - `cosine`: 1 - x.y / (|x| |y|), clipped to [0, 2]; a zero row counts as orthogonal to
 *   everything (distance 1), as scikit-learn's normalize() leaves it zero;
 * - `dot`: x.y (a similarity, not a distance; handy for the GEMM path);
 * - `manhattan`: sum |x - y|.
 * Float dtypes, both the same; the result has that dtype. Throws SHAPE (not matrices, feature
 * counts differ), DTYPE, ARGUMENT (unknown metric).
 */
import { fail } from '../errors.js';
import { dtypeInfo } from '../tensor/dtype.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { defineKernel, FLOATS, sameDType, type Tolerance } from './kernel.js';

export const METRICS = ['sqeuclidean', 'euclidean', 'cosine', 'dot', 'manhattan'] as const;
export type Metric = (typeof METRICS)[number];

export interface PairwiseDistancesAttrs {
  metric?: Metric;
}

export interface PairwiseDistancesParams {
  readonly n: number;
  readonly m: number;
  /** Features per row. */
  readonly d: number;
  readonly metric: Metric;
  readonly x: ViewSpec;
  readonly y: ViewSpec;
}

/**
 * Per metric: distances are sums of non-negative terms, so their error is relative to the
 * result (a backend that cancels, like the GEMM form, must recompute where it would lose it);
 * cosine is bounded by 1 in absolute terms; dot is a GEMM.
 */
const TOLERANCES: Readonly<Record<Metric, Tolerance>> = {
  sqeuclidean: { kind: 'relative', factor: 8, floor: 0 },
  euclidean: { kind: 'relative', factor: 8, floor: 0 },
  manhattan: { kind: 'relative', factor: 2, floor: 0 },
  cosine: { kind: 'relative', factor: 8, floor: 1 },
  dot: { kind: 'accumulated', factor: 2 },
};

export const pairwiseDistances = defineKernel<PairwiseDistancesAttrs, PairwiseDistancesParams>({
  name: 'pairwiseDistances',
  inputs: [
    { name: 'x', dtypes: FLOATS },
    { name: 'y', dtypes: FLOATS },
  ],
  outputs: ['distances'],
  defaults: { metric: 'sqeuclidean' },
  tolerance: TOLERANCES.sqeuclidean,
  toleranceFor: (plan) => TOLERANCES[plan.params.metric],
  infer: ([x, y], attrs) => {
    const dtype = sameDType('pairwiseDistances', [x, y]);
    const metric = attrs.metric;
    if (typeof metric !== 'string' || !(METRICS as readonly string[]).includes(metric)) {
      fail({ code: 'ARGUMENT', kernel: 'pairwiseDistances', problem: 'unknown metric', expected: METRICS.join(' | '), received: String(metric) });
    }
    const xv = matrix(x!, 'x');
    const yv = matrix(y!, 'y');
    const [n, d] = xv.shape as [number, number];
    const [m, dy] = yv.shape as [number, number];
    if (d !== dy) {
      fail({ code: 'SHAPE', kernel: 'pairwiseDistances', problem: 'x and y have different numbers of features', expected: `y with ${d} columns, as x`, received: `x ${x!.describe()}, y ${y!.describe()}` });
    }
    return { outputs: [{ shape: [n, m], dtype }], params: { n, m, d, metric: metric as Metric, x: xv, y: yv } };
  },
  cost: (plan) => {
    const { n, m, d } = plan.params;
    return { flops: 2 * n * m * d, bytes: dtypeInfo(plan.outputs[0]!.dtype).bytes * (n * d + m * d + n * m) };
  },
  // Terms per output, plus the two norm columns of the GEMM form.
  depth: (plan) => plan.params.d + 2,
});

function matrix(t: Tensor, name: string): ViewSpec {
  if (t.rank !== 2) {
    fail({ code: 'SHAPE', kernel: 'pairwiseDistances', problem: `${name} is not a matrix of points`, expected: 'rank 2: [points, features]', received: t.describe(), hint: 'reshape a single point to [1, d]' });
  }
  return { shape: t.shape, strides: t.strides, offset: t.offset };
}
